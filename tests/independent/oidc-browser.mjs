#!/usr/bin/env node
// BrowserCommand for the independent-server tests: headless Chromium logs in
// on oidc-provider's development login page and grants consent.
//   node oidc-browser.mjs URL        (SIM_USER: the login name to use)
import { launchChromium } from '../../sim/chromium.mjs';

const browser = await launchChromium();
let status = 0;
try {
  const page = await browser.newPage();
  await page.goto(process.argv[2]);
  await page.fill('input[name="login"]', process.env.SIM_USER || 'alice');
  await page.fill('input[name="password"]', 'any');
  await page.click('button[type="submit"]');
  // The consent page, then jirasql's listener page.
  for (let i = 0; i < 5; i++) {
    await page.waitForLoadState();
    const title = await page.title();
    if (/Logged in|Login declined/.test(title)) break;
    const button = await page.$('button[type="submit"]');
    if (button) await button.click(); else await page.waitForTimeout(200);
  }
  await page.waitForFunction(() => /Logged in|Login declined/.test(document.title), null, { timeout: 20000 });
  console.error(`oidc-browser: ${await page.title()}`);
} catch (e) {
  console.error(`oidc-browser: ${e.message}`);
  status = 1;
} finally {
  await browser.close();
}
process.exit(status);
