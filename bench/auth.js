// Identity throughput through the whole app: POST /api/v1/sign/in (argon2id at the configured cost), then the API
// guard on signed requests (Session/Nonce/Signature, a fresh nonce per request, as clients must) and on bearer
// access tokens, on SIGNED_PATHS (default /current/session: the guard alone; /whoami: the guard and whoami).
// BASELINE=<another checkout, built> runs its server beside this one and alternates the two, ROUNDS times, so
// that a shared machine's noise falls on both alike: the report gives each round's ratio and their median, and
// the server process's CPU per request (from /proc), which the machine's other load hardly moves.
// Uses DATABASE_URL when set, else an embedded database per server. Run: npm run bench:auth (CONNECTIONS,
// DURATION, ROUNDS, SIGNED_PATHS, BASELINE).
import { createHmac } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, machine, MAIN, startServer, stopServer, tempDir } from './lib.js';

const connections = Number(process.env.CONNECTIONS ?? 32);
const duration = Number(process.env.DURATION ?? 10);
const rounds = Number(process.env.ROUNDS ?? (process.env.BASELINE ? 3 : 1));
const paths = (process.env.SIGNED_PATHS ?? process.env.SIGNED_PATH ?? '/current/session,/whoami').split(',');
const password = 'bench-admin-password';
const client = { id: 'bench', secret: 'bench-client-secret-0123456789' };
const builds = [{ name: 'this', main: MAIN }];
if (process.env.BASELINE) builds.push({ name: 'baseline', main: path.resolve(process.env.BASELINE, 'dist/src/main.js') });

const summary = (r) => ({
  requestsPerSecond: r.requests.average,
  latencyMs: { p50: r.latency.p50, p99: r.latency.p99 },
  non2xx: r.non2xx,
  errors: r.errors,
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * CPU seconds (user + system) the server's Node process has used, from /proc (Linux; undefined elsewhere).
 * CPU per request barely moves with the machine's other load, unlike requests per second.
 */
async function cpuSeconds(pid) {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

/** A load's summary plus the server's CPU microseconds per answered request. */
async function measured(server, run) {
  const before = await cpuSeconds(server.child.pid);
  const r = await run();
  const after = await cpuSeconds(server.child.pid);
  const cpuMicrosPerRequest = before === undefined ? undefined : Math.round(((after - before) * 1e6) / Math.max(1, r.requests.total));
  return { ...summary(r), cpuMicrosPerRequest };
}

async function start(build) {
  const dataDir = await tempDir(`platform-bench-auth-${build.name}-`);
  const port = await freePort();
  const env = {
    PORT: String(port),
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    OIDC_ISSUER: `http://127.0.0.1:${port}/oauth2`,
    BOOTSTRAP_ADMIN_USERNAME: 'bench',
    BOOTSTRAP_ADMIN_PASSWORD: password,
    BOOTSTRAP_CLIENT_ID: client.id,
    BOOTSTRAP_CLIENT_SECRET: client.secret,
    AUTH_LOCK_THRESHOLD: '100',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  };
  const { child } = await startServer(env, build.main);
  const base = `http://127.0.0.1:${port}`;
  const post = async (url, body, headers) => (await fetch(`${base}${url}`, { method: 'POST', headers, body })).json();
  const signInBody = JSON.stringify({ username: 'bench', password });
  const session = await post('/api/v1/sign/in', signInBody, { 'content-type': 'application/json' });
  const { access_token: token } = await post('/oauth2/token', `grant_type=password&username=bench&password=${password}&scope=api`, {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
  });
  return { ...build, child, dataDir, base, session, token, signInBody };
}

function signedLoad(server, signedPath) {
  let last = 0;
  return autocannon({
    url: `${server.base}/api/v1${signedPath}`,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        // A fresh nonce and signature for every request, as a client must send.
        setupRequest: (req) => {
          last = Math.max(Date.now() * 1000, last + 1);
          const nonce = String(last);
          const signature = createHmac('sha256', server.session.secret).update(`${signedPath}${nonce}null`).digest('hex');
          return {
            ...req,
            headers: { 'content-type': 'application/json', Session: server.session.session, Nonce: nonce, Signature: signature },
            body: 'null',
          };
        },
      },
    ],
  });
}

const bearerLoad = (server, signedPath) =>
  autocannon({
    url: `${server.base}/api/v1${signedPath}`,
    method: 'POST',
    connections,
    duration,
    headers: { authorization: `Bearer ${server.token}` },
  });

const servers = [];
try {
  for (const build of builds) servers.push(await start(build));
  const signIn = {};
  for (const s of servers)
    signIn[s.name] = summary(
      await autocannon({
        url: `${s.base}/api/v1/sign/in`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: s.signInBody,
        connections: Math.min(connections, 8),
        duration,
      }),
    );
  const loads = [
    ...paths.map((p) => ({ label: `signed ${p}`, run: (s) => signedLoad(s, p) })),
    { label: 'bearer /current/session', run: (s) => bearerLoad(s, '/current/session') },
  ];
  const runs = Object.fromEntries(loads.map((l) => [l.label, Object.fromEntries(servers.map((s) => [s.name, []]))]));
  for (let round = 0; round < rounds; round++)
    for (const load of loads) for (const s of servers) runs[load.label][s.name].push(await measured(s, () => load.run(s)));
  const figures = Object.fromEntries(
    Object.entries(runs).map(([label, byServer]) => {
      const rps = Object.fromEntries(Object.entries(byServer).map(([name, rs]) => [name, rs.map((r) => r.requestsPerSecond)]));
      const cpu = Object.fromEntries(Object.entries(byServer).map(([name, rs]) => [name, rs.map((r) => r.cpuMicrosPerRequest)]));
      const ratio = (xs, ys) => xs.map((x, i) => Math.round((x / ys[i]) * 100) / 100);
      const ratios = byServer.baseline ? ratio(rps.this, rps.baseline) : undefined;
      const cpuRatios = byServer.baseline && cpu.this[0] !== undefined ? ratio(cpu.this, cpu.baseline) : undefined;
      return [
        label,
        {
          connections,
          requestsPerSecond: rps,
          ...(ratios ? { ratios, medianRatio: median(ratios) } : {}),
          serverCpuMicrosPerRequest: cpu,
          ...(cpuRatios ? { cpuRatios, medianCpuRatio: median(cpuRatios) } : {}),
          runs: byServer,
        },
      ];
    }),
  );
  const result = {
    benchmark: 'identity',
    date: new Date().toISOString(),
    machine: machine(),
    durationSeconds: duration,
    rounds,
    argon2: 'm=19456 KiB, t=2, p=1 (defaults)',
    signIn: { connections: Math.min(connections, 8), ...signIn },
    guard: figures,
  };
  console.log(JSON.stringify(result, (k, v) => (k === 'runs' ? undefined : v), 2));
  await writeFile(path.join('bench', 'results', `auth-${Date.now()}.json`), JSON.stringify(result, null, 2));
} finally {
  for (const s of servers) {
    await stopServer(s.child);
    await rm(s.dataDir, { recursive: true, force: true });
  }
}
