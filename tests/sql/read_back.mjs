// Reads issues back with npm jira.js (a third-party client, schemas checked)
// for the writes test: what Jira holds after jirasql wrote it.
// Usage: READ_BACK_TOKEN=… node read_back.mjs SITE_URL EMAIL KEY...  (the API
// token in the environment, never in argv)
// Prints one JSON object per key: the issue's fields, comments, worklogs,
// or {"key", "missing": true} when Jira answers 404.
import { createCloudClient, isNotFoundError } from 'jira.js';

const [host, email, ...keys] = process.argv.slice(2);
const apiToken = process.env.READ_BACK_TOKEN;
const client = createCloudClient({ host, auth: { type: 'basic', email, apiToken }, onSchemaMismatch: 'throw' });
for (const key of keys) {
  try {
    const issue = await client.issues.getIssue({ issueIdOrKey: key, fields: ['*all'] });
    const comments = await client.issueComments.getComments({ issueIdOrKey: key });
    const worklogs = await client.issueWorklogs.getIssueWorklog({ issueIdOrKey: key });
    console.log(JSON.stringify({
      key: issue.key, id: issue.id, summary: issue.fields.summary, status: issue.fields.status.name,
      description: issue.fields.description, labels: issue.fields.labels,
      resolution: issue.fields.resolution?.name ?? null,
      comments: comments.comments.map((c) => c.body), worklogs: worklogs.worklogs.map((w) => w.timeSpentSeconds),
    }));
  } catch (e) {
    if (!isNotFoundError(e)) throw e;
    console.log(JSON.stringify({ key, missing: true }));
  }
}
