// client_credentials grants/s through the full app (PostgreSQL-backed provider, client registry, request shim,
// JWT access tokens bound to the client's service-account session, a refresh token each, as seed 002 answers)
// against a bare oidc-provider 9 with its in-memory adapter and the same token format (no refresh token, nothing
// stored), in one run on one machine; then the full app again with the client's refresh token switched off; then
// password grants/s (argon2id-bound) on the full app.
// Run: npm run bench:oauth (CONNECTIONS, DURATION; DATABASE_URL optional).
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { freePort, machine, startServer, stopServer, tempDir } from './lib.js';

const connections = Number(process.env.CONNECTIONS ?? 32);
const duration = Number(process.env.DURATION ?? 10);
const CLIENT = { id: 'bench', secret: 'bench-client-secret-0123456789' };
const AUDIENCE = 'urn:platform:api';
const basic = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`;
const body = 'grant_type=client_credentials&scope=api';

const load = (url) =>
  autocannon({
    url,
    method: 'POST',
    connections,
    duration,
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
const summary = (r) => ({
  requestsPerSecond: r.requests.average,
  latencyMs: { p50: r.latency.p50, p99: r.latency.p99 },
  non2xx: r.non2xx,
  errors: r.errors,
});

async function bareProvider() {
  const port = await freePort();
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'api',
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'bench', alg: 'ES256', use: 'sig' }] },
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    scopes: ['api'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          audience: AUDIENCE,
          scope: 'api',
          accessTokenFormat: 'jwt',
          accessTokenTTL: 86_400,
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  const server = provider.listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${port}/token`, close: () => new Promise((resolve) => server.close(resolve)) };
}

const dataDir = await tempDir('platform-bench-oauth-');
const port = await freePort();
const { child } = await startServer({
  PORT: String(port),
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: String(await freePort()),
  LOG_LEVEL: 'warn',
  OIDC_ISSUER: `http://127.0.0.1:${port}/oauth2`,
  BOOTSTRAP_CLIENT_ID: CLIENT.id,
  BOOTSTRAP_CLIENT_SECRET: CLIENT.secret,
  BOOTSTRAP_ADMIN_USERNAME: 'bench',
  BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password',
  AUTH_LOCK_THRESHOLD: '100',
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
});
let full;
let withoutRefresh;
let passwordGrant;
try {
  await load(`http://127.0.0.1:${port}/oauth2/token`); // warm-up (also checks it works)
  full = await load(`http://127.0.0.1:${port}/oauth2/token`);
  // The same client with client_credentials_refresh off (an administrator, by HTTP Basic); older builds lack both.
  const off = await fetch(`http://127.0.0.1:${port}/api/v1/admin/client/update`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('bench:bench-admin-password').toString('base64')}` },
    body: JSON.stringify({ client_id: CLIENT.id, client_credentials_refresh: false }),
  });
  if (off.ok) withoutRefresh = await load(`http://127.0.0.1:${port}/oauth2/token`);
  // The password grant is bound by argon2id (as sign-in is): fewer connections.
  passwordGrant = await autocannon({
    url: `http://127.0.0.1:${port}/oauth2/token`,
    method: 'POST',
    connections: 8,
    duration,
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=password&username=bench&password=bench-admin-password&scope=api',
  });
} finally {
  await stopServer(child);
  await rm(dataDir, { recursive: true, force: true });
}
const bare = await bareProvider();
let bareResult;
try {
  await load(bare.url);
  bareResult = await load(bare.url);
} finally {
  await bare.close();
}
const result = {
  benchmark: 'client_credentials grants/s',
  date: new Date().toISOString(),
  machine: machine(),
  connections,
  durationSeconds: duration,
  fullApp: summary(full),
  ...(withoutRefresh ? { fullAppWithoutRefreshToken: summary(withoutRefresh) } : {}),
  bareProvider: summary(bareResult),
  ratio: Math.round((full.requests.average / bareResult.requests.average) * 100) / 100,
  passwordGrant: { connections: 8, ...summary(passwordGrant) },
};
console.log(JSON.stringify(result, null, 2));
await writeFile(path.join('bench', 'results', `oauth-${Date.now()}.json`), JSON.stringify(result, null, 2));
