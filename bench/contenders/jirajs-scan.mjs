// jira.js (npm, Cloud mode): enhanced search through every page, the way a
// Node user reads a whole result. Prints the number of issues read.
//   node jirajs-scan.mjs SITE_URL EMAIL API_TOKEN JQL FIELDS
import { createCloudClient } from 'jira.js';

const [site, email, apiToken, jql, fields] = process.argv.slice(2);
if (!site.startsWith('http://127.0.0.1:')) throw new Error('benchmarks talk to jirasim on loopback only');
const client = createCloudClient({ host: site, auth: { type: 'basic', email, apiToken } });
let nextPageToken;
let n = 0;
do {
  const page = await client.issueSearch.searchAndReconsileIssuesUsingJql({
    jql, nextPageToken, maxResults: 100, fields: fields.split(','),
  });
  n += page.issues.length;
  nextPageToken = page.nextPageToken;
} while (nextPageToken);
console.log(n);
