// npm jira.js (v6) against jirasim in Cloud mode, unchanged: enhanced search
// paged with nextPageToken, issues, comments, worklogs, changelogs, writes,
// and the OAuth 2.0 helpers. jira.js checks every answer against its own
// zod models; onSchemaMismatch: 'throw' makes any difference fail the test.
//
// Usage: JIRASIM=path/to/jirasim node --test jira_js.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createCloudClient, createAgileClient, generateAuthorizationUrl, exchangeAuthorizationCode,
  refreshOAuth2Token, getAccessibleResources, parseCallbackUrl, isNotFoundError, isApiError,
} from 'jira.js';

let sim, info, client;

function startJirasim(args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.env.JIRASIM, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    proc.stdout.on('data', (chunk) => {
      text += chunk;
      if (/\n}\n?$/.test(text)) resolve({ proc, info: JSON.parse(text) });
    });
    proc.on('exit', (code) => reject(new Error(`jirasim exited with ${code}`)));
  });
}

before(async () => {
  ({ proc: sim, info } = await startJirasim(['--issues', '400', '--sites', '2', '--seed', '21']));
  // The OAuth helpers name Atlassian's hosts; send those requests to jirasim
  // instead, and refuse anything else that is not loopback.
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    let url = typeof input === 'string' ? input : input.url;
    url = url.replace(/^https:\/\/(auth|api)\.atlassian\.com/, info.baseUrl);
    if (!url.startsWith('http://127.0.0.1:')) throw new Error(`test refused a request to ${url}`);
    return realFetch(url, init);
  };
  const user = info.users[0];
  client = createCloudClient({
    host: info.sites[0].url,
    auth: { type: 'basic', email: user.email, apiToken: user.apiToken },
    onSchemaMismatch: 'throw',
  });
});

after(() => sim.kill('SIGTERM'));

test('myself and server info', async () => {
  const me = await client.myself.getCurrentUser();
  assert.equal(me.accountId, info.users[0].accountId);
  assert.equal(me.timeZone, info.users[0].timeZone);
  const server = await client.serverInfo.getServerInfo();
  assert.equal(server.deploymentType, 'Cloud');
});

test('projects', async () => {
  const page = await client.projects.searchProjects({ maxResults: 50 });
  assert.deepEqual(page.values.map((p) => p.key).sort(), info.sites[0].projects.map((p) => p.key).sort());
  const alpha = await client.projects.getProject({ projectIdOrKey: 'ALPHA' });
  assert.equal(alpha.name, info.sites[0].projects[0].name);
});

test('enhanced search pages through every issue with nextPageToken', async () => {
  for (const project of info.sites[0].projects) {
    const keys = [];
    let nextPageToken;
    do {
      const page = await client.issueSearch.searchAndReconsileIssuesUsingJql({
        jql: `project = ${project.key} ORDER BY key`,
        nextPageToken,
        maxResults: 45,
        fields: ['summary', 'status', 'assignee', 'created'],
      });
      for (const issue of page.issues) {
        assert.ok(issue.fields.summary);
        keys.push(issue.key);
      }
      nextPageToken = page.nextPageToken;
      if (page.isLast) assert.equal(nextPageToken, undefined);
    } while (nextPageToken);
    assert.equal(keys.length, project.issues, project.key);
    assert.equal(new Set(keys).size, keys.length, 'an issue came twice');
    const numbers = keys.map((k) => Number(k.split('-')[1]));
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
    const count = await client.issueSearch.countIssues({ jql: `project = ${project.key}` });
    assert.equal(count.count, project.issues);
  }
});

test('the POST form of enhanced search and bulk fetch', async () => {
  const page = await client.issueSearch.searchAndReconsileIssuesUsingJqlPost({
    jql: 'project = BETA AND statusCategory != Done', maxResults: 10, fields: ['*navigable'],
  });
  assert.ok(page.issues.length > 0);
  const bulk = await client.issues.bulkFetchIssues({
    issueIdsOrKeys: page.issues.map((i) => i.key), fields: ['summary', 'labels'],
  });
  assert.deepEqual(bulk.issues.map((i) => i.key).sort(), page.issues.map((i) => i.key).sort());
});

test('an issue with comments, worklogs and changelog', async () => {
  let checked = 0;
  const page = await client.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = ALPHA ORDER BY key', maxResults: 40 });
  for (const { id } of page.issues) {
    const issue = await client.issues.getIssue({ issueIdOrKey: id, fields: ['*all'] });
    const comments = await client.issueComments.getComments({ issueIdOrKey: issue.key });
    const worklogs = await client.issueWorklogs.getIssueWorklog({ issueIdOrKey: issue.key });
    const changelog = await client.issues.getChangeLogs({ issueIdOrKey: issue.key });
    assert.equal(comments.total, issue.fields.comment.total);
    const spent = worklogs.worklogs.reduce((s, w) => s + w.timeSpentSeconds, 0);
    assert.equal(spent, issue.fields.timespent ?? 0);
    if (issue.fields.description) assert.equal(issue.fields.description.type, 'doc');
    const statusChanges = changelog.values.flatMap((h) => h.items).filter((i) => i.field === 'status');
    if (statusChanges.length) assert.equal(statusChanges.at(-1).toString, issue.fields.status.name);
    checked += comments.total > 0 && worklogs.total > 0 ? 1 : 0;
  }
  assert.ok(checked > 0);
});

test('create, edit, comment, log work, delete', async () => {
  const made = await client.issues.createIssue({
    fields: {
      project: { key: 'GAMMA' }, issuetype: { name: 'Bug' }, summary: 'made by jira.js', labels: ['perf'],
      description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'steps' }] }] },
    },
  });
  assert.match(made.key, /^GAMMA-\d+$/);
  await client.issues.editIssue({ issueIdOrKey: made.key, fields: { summary: 'edited by jira.js' } });
  await client.issueComments.addComment({
    issueIdOrKey: made.key,
    body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'noted' }] }] },
  });
  await client.issueWorklogs.addWorklog({ issueIdOrKey: made.key, timeSpentSeconds: 1800 });
  const issue = await client.issues.getIssue({ issueIdOrKey: made.key });
  assert.equal(issue.fields.summary, 'edited by jira.js');
  assert.deepEqual(issue.fields.labels, ['perf']);
  assert.equal(issue.fields.timespent, 1800);
  assert.equal(issue.fields.comment.total, 1);
  await client.issues.deleteIssue({ issueIdOrKey: made.key });
  await assert.rejects(client.issues.getIssue({ issueIdOrKey: made.key }), (e) => isNotFoundError(e));
});

test('bad JQL is an API error carrying Jira\'s message', async () => {
  await assert.rejects(
    client.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = NOPE' }),
    (e) => isApiError(e) && /does not exist for the field 'project'/.test(JSON.stringify(e)),
  );
});

test('agile boards and sprints', async () => {
  const agile = createAgileClient({
    host: info.sites[0].url,
    auth: { type: 'basic', email: info.users[0].email, apiToken: info.users[0].apiToken },
    onSchemaMismatch: 'throw',
  });
  const boards = await agile.board.getAllBoards();
  // A scrum board per project, and one kanban board.
  assert.equal(boards.values.length, info.sites[0].projects.length + 1);
  assert.equal(boards.values.filter((b) => b.type === 'kanban').length, 1);
  const sprints = await agile.board.getAllSprints({ boardId: boards.values[0].id });
  assert.ok(sprints.values.some((s) => s.state === 'active'));
  const one = await agile.sprint.getSprint({ sprintId: sprints.values[0].id });
  assert.equal(one.name, sprints.values[0].name);
  for (const b of boards.values) {
    const config = await agile.board.getConfiguration({ boardId: b.id });
    assert.equal(config.id, b.id);
    assert.ok(config.columnConfig.columns.length >= 3);
    assert.equal(config.estimation?.field?.fieldId, b.type === 'scrum' ? 'customfield_10016' : undefined);
  }
});

test('OAuth 2.0 helpers: authorize, exchange, accessible resources, refresh, gateway', async () => {
  const user = info.users[0];
  const url = generateAuthorizationUrl({
    clientId: info.app.clientId,
    scopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
    redirectUri: 'http://localhost:33333',
    state: 'jira-js-state',
  }).replace('https://auth.atlassian.com', info.baseUrl);
  const redirect = execFileSync(process.env.JIRASIM, ['approve', url, '--user', user.email, '--password', user.password,
    '--site', info.sites[1].name]).toString().trim();
  // parseCallbackUrl checks the state itself and throws on a mismatch.
  const { code } = parseCallbackUrl(redirect, { expectedState: 'jira-js-state' });
  assert.throws(() => parseCallbackUrl(redirect, { expectedState: 'another-state' }));
  const tokens = await exchangeAuthorizationCode({
    clientId: info.app.clientId, clientSecret: info.app.clientSecret, code, redirectUri: 'http://localhost:33333',
  });
  assert.equal(tokens.expiresIn, 3600);
  const resources = await getAccessibleResources(tokens.accessToken);
  assert.ok(resources.some((r) => r.id === info.sites[1].cloudId));
  const refreshed = await refreshOAuth2Token({
    clientId: info.app.clientId, clientSecret: info.app.clientSecret, refreshToken: tokens.refreshToken,
  });
  assert.notEqual(refreshed.refreshToken, tokens.refreshToken);
  const viaGateway = createCloudClient({
    host: info.sites[1].gatewayUrl, auth: { type: 'bearer', token: refreshed.accessToken }, onSchemaMismatch: 'throw',
  });
  const me = await viaGateway.myself.getCurrentUser();
  assert.equal(me.accountId, user.accountId);
});
