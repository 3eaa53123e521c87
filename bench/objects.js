// Objects and workflow at scale, against PostgreSQL (DATABASE_URL's server; a fresh database is created on
// it): actions/s over HTTP with OBJECTS_ACTIONS (100,000) clients, enable/disable alternating on random
// objects (32 connections, a fresh random pick per request), then /api/v1/client/list latency for a
// three-condition search with orderby and reclimit 50 once OBJECTS_LIST (1,000,000) clients exist, and the
// SQL plan of that list query. Objects are seeded in SQL (generate_series), as an import would.
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:objects
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, freshDatabase, machine, seedClients, startServer, stopServer, tempDir } from './lib.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const connections = Number(process.env.CONNECTIONS ?? 32);
const duration = Number(process.env.DURATION ?? 10);
const forActions = Number(process.env.OBJECTS_ACTIONS ?? 100_000);
const forList = Number(process.env.OBJECTS_LIST ?? 1_000_000);
const DB = 'platform_bench_objects';
const CLIENT = { id: 'bench', secret: 'bench-client-secret-0123456789' };

const url = await freshDatabase(adminUrl, DB);

const port = await freePort();
const { child } = await startServer({
  PORT: String(port),
  DATA_DIR: await tempDir('platform-bench-objects-'),
  DATABASE_URL: url.href,
  LOG_LEVEL: 'warn',
  OIDC_ISSUER: `http://127.0.0.1:${port}/oauth2`,
  BOOTSTRAP_ADMIN_USERNAME: 'bench',
  BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password',
  BOOTSTRAP_CLIENT_ID: CLIENT.id,
  BOOTSTRAP_CLIENT_SECRET: CLIENT.secret,
});
const base = `http://127.0.0.1:${port}`;
const db = new pg.Client({ connectionString: url.href });
await db.connect();

async function token(username, password) {
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      username,
      password,
      scope: 'api',
    }),
  });
  if (!res.ok) throw new Error(`token: ${res.status} ${await res.text()}`);
  return (await res.json()).access_token;
}

/** Clients from `from` to `to` (exclusive), as bench/lib.js seedClients writes them; answers the ms it took. */
async function seed(from, to) {
  const t0 = performance.now();
  await seedClients(db, from, to);
  await db.query(`SELECT setval(pg_get_serial_sequence('object', 'id'), $1)`, [to]);
  return Math.round(performance.now() - t0);
}

const summary = (r) => ({
  requestsPerSecond: r.requests.average,
  latencyMs: { p50: r.latency.p50, p97_5: r.latency.p97_5, p99: r.latency.p99 },
  non2xx: r.non2xx,
  errors: r.errors,
});

/** Exact percentiles of `count` requests sent one after another (autocannon reports no p95). */
async function sequential(count, send) {
  const times = [];
  for (let n = 0; n < count; n++) {
    const t0 = performance.now();
    const res = await send();
    if (!res.ok) throw new Error(`request failed: ${res.status}`);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] * 10) / 10;
  return { requests: count, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
const result = {
  machine: machine(),
  database: `PostgreSQL ${(await db.query('SHOW server_version')).rows[0].server_version}`,
  connections,
  durationSeconds: duration,
};
try {
  const seedBatch = 100_000;
  let seeded = 1_000_000_000; // far above the ids the app hands out itself
  const start = seeded;
  const seedMs = [];
  const grow = async (count) => {
    while (seeded - start < count) {
      const n = Math.min(seedBatch, count - (seeded - start));
      seedMs.push(await seed(seeded, seeded + n));
      seeded += n;
    }
    await db.query('ANALYZE');
  };
  await grow(forActions);
  const adminToken = await token('bench', 'bench-admin-password');
  let i = 0;
  const actions = await autocannon({
    url: `${base}/api/v1/action/run`,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const id = start + Math.floor(Math.random() * forActions);
          const action = i++ % 2 === 0 ? 'enable' : 'disable';
          return {
            ...req,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
            body: JSON.stringify({ id, action }),
          };
        },
      },
    ],
  });
  const refused = Object.entries(actions.statusCodeStats ?? {}).reduce((n, [code, s]) => (code === '409' ? n + s.count : n), 0);
  result.actions = {
    objects: forActions,
    ...summary(actions),
    refused409: refused,
    note: 'enable on an enabled (or disable on a disabled) object is a 409: refused by the engine, counted apart',
  };

  await grow(forList);
  // An operator: sees the class's clients through the access filter (administrators would skip it).
  const signUp = await fetch(`${base}/api/v1/sign/up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ username: 'benchop', password: 'bench-operator-password' }),
  });
  if (!signUp.ok) throw new Error(`sign up: ${signUp.status}`);
  await db.query(
    `UPDATE user_group_member SET group_id = (SELECT id FROM user_group WHERE code = 'operator') WHERE user_id = (SELECT id FROM app_user WHERE username = 'benchop')`,
  );
  const operatorToken = await token('benchop', 'bench-operator-password');
  const listBody = {
    search: [
      { field: 'lastname', compare: 'EQL', value: 'Lastname42' },
      { condition: 'AND', field: 'statecode', compare: 'NEQ', value: 'deleted' },
      { condition: 'AND', field: 'info', compare: 'GIN', value: { n: 42 } },
    ],
    orderby: ['created DESC'],
    reclimit: 50,
  };
  const probe = await fetch(`${base}/api/v1/client/list`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` },
    body: JSON.stringify(listBody),
  });
  const rows = await probe.json();
  if (!probe.ok) throw new Error(`list: ${probe.status} ${JSON.stringify(rows)}`);
  const list = await autocannon({
    url: `${base}/api/v1/client/list`,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` },
    body: JSON.stringify(listBody),
  });
  // One request at a time: the latency of a list on an otherwise idle server (with 32 connections most of
  // it is queueing), exact percentiles.
  const single = await sequential(Number(process.env.LIST_SAMPLES ?? 500), () =>
    fetch(`${base}/api/v1/client/list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` },
      body: JSON.stringify(listBody),
    }),
  );
  result.list = { objects: forList, rowsAnswered: rows.length, body: listBody, ...summary(list), oneAtATimeMs: single };
  result.seedMsPer100k = seedMs;
  // The plan of the query the app builds (ObjectReader.list for the client essence), written out here.
  const op = (await db.query(`SELECT id FROM app_user WHERE username = 'benchop'`)).rows[0].id;
  const area = (await db.query(`SELECT id FROM area WHERE code = 'default'`)).rows[0].id;
  const klass = (await db.query(`SELECT id FROM object_class WHERE code = 'client'`)).rows[0].id;
  const plan = await db.query(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SETTINGS)
     SELECT o.id, base.lastname, (SELECT s.code FROM state s WHERE s.id = o.state_id) AS statecode, o.created
       FROM client base JOIN document d ON d.id = base.id JOIN object o ON o.id = base.id
      WHERE o.class_id IN (WITH RECURSIVE sub AS (SELECT id FROM object_class WHERE id = $1::bigint UNION ALL SELECT k.id FROM object_class k JOIN sub ON k.parent_id = sub.id) SELECT id FROM sub)
        AND (NOT EXISTS (SELECT 1 FROM acl_object x WHERE x.object_id = o.id AND strpos(x.deny, 's') > 0 AND (x.user_id = $2 OR x.group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $2)))
        AND ($3::boolean OR EXISTS (SELECT 1 FROM acl_object x WHERE x.object_id = o.id AND strpos(x.allow, 's') > 0 AND (x.user_id = $2 OR x.group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $2))))
        AND d.area_id IN (WITH RECURSIVE sub AS (SELECT id FROM area WHERE id = $4::bigint UNION ALL SELECT a.id FROM area a JOIN sub ON a.parent_id = sub.id) SELECT id FROM sub))
        AND (base.lastname = CAST($5 AS text) AND (SELECT s.code FROM state s WHERE s.id = o.state_id) <> CAST($6 AS text) AND base.info @> CAST($7 AS jsonb))
      ORDER BY o.created DESC LIMIT 50`,
    [klass, op, true, area, 'Lastname42', 'deleted', JSON.stringify({ n: 42 })],
  );
  result.listPlan = plan.rows.map((r) => r['QUERY PLAN']);
} finally {
  await db.end();
  await stopServer(child);
}
console.log(JSON.stringify(result, null, 2));
await writeFile(path.join('bench', 'results', `objects-${Date.now()}.json`), JSON.stringify(result, null, 2));
