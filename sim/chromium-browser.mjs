#!/usr/bin/env node
// A real browser for the desktop-flow tests (BrowserCommand): headless
// Chromium (Debian's /usr/bin/chromium) driven by playwright-core through
// jirasim's login and consent pages, like a person would, then left to
// follow the redirect to jirasql's listener and run the callback page.
// Environment: SIM_USER, SIM_PASSWORD; optional SIM_SITE, SIM_DENY,
// SIM_SCREENSHOT (a PNG path for the consent page).
//   node chromium-browser.mjs URL
import { launchChromium } from './chromium.mjs';

const url = process.argv[2];
const browser = await launchChromium();
let status = 0;
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.fill('#email', process.env.SIM_USER);
  await page.fill('#password', process.env.SIM_PASSWORD);
  await page.click('#login-submit');
  await page.waitForSelector('#accept');
  if (process.env.SIM_SITE) await page.selectOption('#site', process.env.SIM_SITE);
  if (process.env.SIM_SCREENSHOT) await page.screenshot({ path: process.env.SIM_SCREENSHOT });
  await page.click(process.env.SIM_DENY ? '#deny' : '#accept');
  // jirasql's listener answers with a page whose title says how it went.
  await page.waitForFunction(() => /Logged in|Login declined|Not this login/.test(document.title), null,
                             { timeout: 20000 });
  console.error(`chromium-browser: ${await page.title()}`);
} catch (e) {
  console.error(`chromium-browser: ${e.message}`);
  status = 1;
} finally {
  await browser.close();
}
process.exit(status);
