#!/usr/bin/env node
// An independent OAuth 2.0 server for jirasql's tests: npm oidc-provider set
// up as a plain OAuth 2.0 authorization server (code flow with PKCE, rotating
// refresh tokens, client_secret_post and client_secret_basic clients) on
// 127.0.0.1, plus the two Atlassian-specific pieces jirasql needs beyond
// OAuth: an accessible-resources list and a /myself behind the "gateway".
//   node oauth-server.mjs CALLBACK_URL ACCESS_TOKEN_TTL_SECONDS
// Prints {"baseUrl", "clients": [...]} as JSON once listening.
import http from 'node:http';
import Provider from 'oidc-provider';

const [callback, ttlArg] = process.argv.slice(2);
const ttl = Number(ttlArg || 3600);
const cloudId = '11111111-2222-4333-a444-555555555555';

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const clients = [
  { client_id: 'jirasql-post', client_secret: 'post-secret-0123456789abcdef', token_endpoint_auth_method: 'client_secret_post' },
  { client_id: 'jirasql-basic', client_secret: 'basic-secret-0123456789abcdef', token_endpoint_auth_method: 'client_secret_basic' },
].map((c) => ({ ...c, redirect_uris: [callback], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }));

const provider = new Provider(base, {
  clients,
  scopes: ['openid', 'offline_access', 'read:jira-work', 'read:jira-user'],
  routes: { authorization: '/authorize', token: '/oauth/token' },
  extraParams: ['audience'],
  pkce: { required: () => true },
  rotateRefreshToken: true,
  ttl: { AccessToken: ttl, AuthorizationCode: 600, RefreshToken: 90 * 86400, Grant: 365 * 86400, Session: 3600, Interaction: 600 },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return { sub: id }; } };
  },
});
provider.on('server_error', (ctx, err) => console.error('oidc-provider:', err));

async function bearer(req) {
  const h = req.headers.authorization || '';
  if (!h.startsWith('Bearer ')) return null;
  return provider.AccessToken.find(h.slice(7));
}
function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const callbackHandler = provider.callback();
server.on('request', async (req, res) => {
  if (req.url === '/oauth/token/accessible-resources') {
    const token = await bearer(req);
    if (!token) return json(res, 401, { code: 401, message: 'Unauthorized' });
    return json(res, 200, [{ id: cloudId, url: `${base}/site/independent`, name: 'independent', scopes: token.scope.split(' ').filter((s) => s !== 'offline_access'), avatarUrl: `${base}/a.png` }]);
  }
  if (req.url === `/ex/jira/${cloudId}/rest/api/3/myself`) {
    const token = await bearer(req);
    if (!token) return json(res, 401, { code: 401, message: 'Unauthorized' });
    return json(res, 200, { accountId: token.accountId, displayName: `User ${token.accountId}`, active: true });
  }
  return callbackHandler(req, res);
});

console.log(JSON.stringify({ baseUrl: base, cloudId, clients: clients.map(({ client_id, client_secret, token_endpoint_auth_method }) => ({ client_id, client_secret, token_endpoint_auth_method })) }));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
