// The intranet portal's push events (seed 001) against PostgreSQL (DATABASE_URL's server; a fresh database is
// created): PERSONS persons registered through pin/update (SQL-seeded, as the portal's first calls would leave
// them), then, each for DURATION s at CONNECTIONS connections, in one run:
//   1. GET /api/v1/ping, the baseline of the HTTP pipeline in this run;
//   2. new pushes (a new data.id each) addressed to USERS of the persons: stored, USERS copies, one outbox row;
//   3. retries of one push to the same USERS (the portal's retries): found, nothing written, nothing published;
// and reports requests/s, latency and each as a ratio of the baseline, so runs on a loaded machine compare.
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:callbacks (CONNECTIONS, DURATION, PERSONS, USERS)
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, freshDatabase, machine, startServer, stopServer, tempDir } from './lib.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const connections = Number(process.env.CONNECTIONS ?? 16);
const duration = Number(process.env.DURATION ?? 10);
const persons = Number(process.env.PERSONS ?? 10_000);
const users = Number(process.env.USERS ?? 100);
const DB = 'platform_bench_callbacks';
const KEY = 'bench_callback_key';

const url = await freshDatabase(adminUrl, DB);

const port = await freePort();
const { child } = await startServer({
  PORT: String(port),
  DATA_DIR: await tempDir('platform-bench-callbacks-'),
  DATABASE_URL: url.href,
  LOG_LEVEL: 'warn',
  CALLBACK_KEYS: KEY,
  BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password',
});
const base = `http://127.0.0.1:${port}`;
const db = new pg.Client({ connectionString: url.href });
await db.connect();

const headers = { 'content-type': 'application/json', 'x-callback-key': KEY };
const summary = (r) => ({
  requestsPerSecond: r.requests.average,
  latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
  non2xx: r.non2xx,
  errors: r.errors,
  total: r.requests.total,
});

const result = {
  benchmark: 'portal push events',
  date: new Date().toISOString(),
  machine: machine(),
  connections,
  duration,
  persons,
  users,
};
try {
  // One real pin/update (the route works), then the rest in SQL.
  const first = await fetch(`${base}/api/v1/callback/pin/update`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      id_phperson: 'p-0',
      tab_no: 't-0',
      ad_login: 'p0@bench.local',
      pin_code: '1234',
      created_at: '2019-11-25 11:43:22',
    }),
  });
  if (!first.ok) throw new Error(`pin/update: ${first.status} ${await first.text()}`);
  await db.query(
    `WITH u AS (
       INSERT INTO app_user (username, password_hash, type, name, email, locale_id, area_id, interface_id)
       SELECT 'p' || g || '@bench.local', '!', 'physical', 'Person ' || g, 'p' || g || '@bench.local',
              (SELECT id FROM locale WHERE code = 'ru'), (SELECT id FROM area WHERE code = 'default'), (SELECT id FROM interface WHERE sid = 'I:1:0:0')
         FROM generate_series(1, $1::int - 1) g RETURNING id, username)
     INSERT INTO portal_person (id_phperson, user_id, tab_no, ad_login, pin_created)
     SELECT 'p-' || substring(username FROM '^p([0-9]+)@'), id, 't-' || substring(username FROM '^p([0-9]+)@'), username, now() FROM u`,
    [persons],
  );
  const addressees = Array.from({ length: users }, (_, i) => `p-${Math.floor((i * persons) / users)}`);
  const push = (id) =>
    JSON.stringify({ data: { id }, type: 'kip_new', title: 'Создана новая задача КИП', message: 'Стыковка.', users: addressees });

  const ping = () => autocannon({ url: `${base}/api/v1/ping`, connections, duration });
  await autocannon({ url: `${base}/api/v1/ping`, connections: 4, duration: 2 }); // warm-up
  result.baselinePing = summary(await ping());

  let n = 0;
  const fresh = await autocannon({
    url: `${base}/api/v1/callback/portal/push/events`,
    connections,
    duration,
    method: 'POST',
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, body: push(`new-${++n}`) }) }],
  });
  result.newPushes = summary(fresh);

  const retryBody = push('retried');
  await fetch(`${base}/api/v1/callback/portal/push/events`, { method: 'POST', headers, body: retryBody });
  const retries = await autocannon({
    url: `${base}/api/v1/callback/portal/push/events`,
    connections,
    duration,
    method: 'POST',
    headers,
    body: retryBody,
  });
  result.retries = summary(retries);
  // The baseline again, after: how much the machine's load moved during the run.
  result.baselinePingAfter = summary(await ping());

  const pingRate = (result.baselinePing.requestsPerSecond + result.baselinePingAfter.requestsPerSecond) / 2;
  result.ratioToPing = {
    newPushes: Number((result.newPushes.requestsPerSecond / pingRate).toFixed(3)),
    retries: Number((result.retries.requestsPerSecond / pingRate).toFixed(3)),
  };
  const [rows] = (
    await db.query(
      `SELECT (SELECT count(*) FROM portal_notification)::int AS notifications, (SELECT count(*) FROM portal_notification_user)::int AS copies,
              (SELECT count(*) FROM outbox WHERE type = 'PortalNotificationReceived')::int AS events`,
    )
  ).rows;
  result.stored = rows;
} finally {
  await db.end();
  await stopServer(child);
}
console.log(JSON.stringify(result, null, 2));
await writeFile(path.join('bench', 'results', `callbacks-${Date.now()}.json`), JSON.stringify(result, null, 2));
