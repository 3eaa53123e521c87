// Identity throughput through the whole app: POST /api/v1/sign/in (argon2id at the configured cost) and
// POST /api/v1/whoami signed with Session/Nonce/Signature (a fresh nonce per request, as clients must).
// Uses DATABASE_URL when set, else the embedded default. Run: npm run bench:auth (CONNECTIONS, DURATION).
import { createHmac } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, machine, startServer, stopServer, tempDir } from './lib.js';

const connections = Number(process.env.CONNECTIONS ?? 32);
/** The signed route to load (default /whoami). */
const SIGNED_PATH = process.env.SIGNED_PATH ?? '/whoami';
const duration = Number(process.env.DURATION ?? 10);
const password = 'bench-admin-password';
const dataDir = await tempDir('platform-bench-auth-');
const port = await freePort();
const env = {
  PORT: String(port),
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: String(await freePort()),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  BOOTSTRAP_ADMIN_USERNAME: 'bench',
  BOOTSTRAP_ADMIN_PASSWORD: password,
  AUTH_LOCK_THRESHOLD: '100',
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
};
const { child } = await startServer(env);
const base = `http://127.0.0.1:${port}`;
const summary = (r) => ({
  requestsPerSecond: r.requests.average,
  latencyMs: { p50: r.latency.p50, p99: r.latency.p99 },
  non2xx: r.non2xx,
  errors: r.errors,
});
try {
  const signInBody = JSON.stringify({ username: 'bench', password });
  const signIn = await autocannon({
    url: `${base}/api/v1/sign/in`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: signInBody,
    connections: Math.min(connections, 8),
    duration,
  });

  const session = await (
    await fetch(`${base}/api/v1/sign/in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: signInBody })
  ).json();
  let last = 0;
  const whoami = await autocannon({
    url: `${base}/api/v1${SIGNED_PATH}`,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        // A fresh nonce and signature for every request, as a client must send.
        setupRequest: (req) => {
          last = Math.max(Date.now() * 1000, last + 1);
          const nonce = String(last);
          const signature = createHmac('sha256', session.secret).update(`${SIGNED_PATH}${nonce}null`).digest('hex');
          return {
            ...req,
            headers: { 'content-type': 'application/json', Session: session.session, Nonce: nonce, Signature: signature },
            body: 'null',
          };
        },
      },
    ],
  });
  const result = {
    benchmark: 'identity',
    date: new Date().toISOString(),
    machine: machine(),
    durationSeconds: duration,
    argon2: 'm=19456 KiB, t=2, p=1 (defaults)',
    signIn: { connections: Math.min(connections, 8), ...summary(signIn) },
    signed: { path: SIGNED_PATH, connections, ...summary(whoami) },
  };
  console.log(JSON.stringify(result, null, 2));
  await writeFile(path.join('bench', 'results', `auth-${Date.now()}.json`), JSON.stringify(result, null, 2));
} finally {
  await stopServer(child);
  await rm(dataDir, { recursive: true, force: true });
}
