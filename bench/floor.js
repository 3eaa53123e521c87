// The object platform against its floors, as ratios measured in one run (issue 12). A throwaway database on
// DATABASE_URL's server is migrated by the app and seeded with 2 x FLOOR_CLIENTS (5,000) clients in SQL: the
// app's routes work on the first half, the floor transactions (pgbench, the same tables and indexes) on the
// second. Each pair below alternates ROUNDS (3) times, DURATION (5) seconds a leg, at CONNECTIONS (8) for both
// legs, so that a shared machine's load falls on both alike; the report gives each round's ratio and their
// median:
//   action/run            / pgbench: lock, close and open the state interval, update the object, log, outbox (8 round trips)
//   client/set (create)   / pgbench: object, state interval, log, outbox
//   client/get, whoami    / the app's own GET /api/v1/ping
//   GET /api/v1/ping      / a bare Express 5 app answering {} (bench/bare-express.js, its own process)
//   bare NestJS app's ping / the bare Express app (bench/bare-nest.js; no target: the framework's own cost)
//   signed current/session / the same route with a bearer token
//   client/list p95 (LIST_SIZES, default 100000; 1000000 too with LIST_SIZES=100000,1000000), three conditions,
//     orderby, reclimit 50, as an operator, one request at a time / the same SQL (captured from the app's
//     process by bench/capture-sql.js) run directly, alternating request by request.
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:floor (DIST=<another build's dist>)
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { MAIN, freePort, freshDatabase, machine, seedClients, startServer, stopServer, tempDir } from './lib.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const connections = Number(process.env.CONNECTIONS ?? 8);
const duration = Number(process.env.DURATION ?? 5);
const rounds = Number(process.env.ROUNDS ?? 3);
const clients = Number(process.env.FLOOR_CLIENTS ?? 5000);
const listSizes = (process.env.LIST_SIZES ?? '100000').split(',').filter(Boolean).map(Number);
const listSamples = Number(process.env.LIST_SAMPLES ?? 300);
const only = process.env.ONLY ? process.env.ONLY.split(',') : undefined;
const DB = process.env.FLOOR_DB ?? 'platform_bench_floor';
const CLIENT = { id: 'bench', secret: 'bench-client-secret-0123456789' };
const PASSWORD = 'bench-admin-password';
const START = 1_000_000_000; // far above the ids the app hands out itself

function pgbenchPath() {
  for (const dir of ['/usr/lib/postgresql']) {
    if (!existsSync(dir)) continue;
    const versions = execFileSync('ls', [dir])
      .toString()
      .trim()
      .split('\n')
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(`${dir}/${v}/bin/pgbench`)) return `${dir}/${v}/bin/pgbench`;
  }
  return 'pgbench';
}

const url = await freshDatabase(adminUrl, DB);

const captureFile = path.join(os.tmpdir(), `floor-sql-${process.pid}.jsonl`);
const port = await freePort();
const dataDir = await tempDir('platform-bench-floor-');
const { child } = await startServer(
  {
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: url.href,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', // the production default: every request logged
    OIDC_ISSUER: `http://127.0.0.1:${port}/oauth2`,
    BOOTSTRAP_ADMIN_USERNAME: 'bench',
    BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
    BOOTSTRAP_CLIENT_ID: CLIENT.id,
    BOOTSTRAP_CLIENT_SECRET: CLIENT.secret,
    AUTH_LOCK_THRESHOLD: '100',
    NODE_OPTIONS: `--import=${path.resolve('bench/capture-sql.js')}`,
    CAPTURE_SQL_FILE: captureFile,
    CAPTURE_SQL_MATCH: 'FROM client base.*LIMIT',
    ...(process.env.CPU_PROFILE ? { CPU_PROFILE: process.env.CPU_PROFILE } : {}), // the app's CPU profile, written on exit
  },
  process.env.DIST ? path.resolve(process.env.DIST, 'src/main.js') : MAIN, // DIST: another build, measured the same way
);
/** A baseline server (bench/<script>) in its own process on a free port; resolves once it says it is ready. */
async function startBaseline(script) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.resolve('bench', script)], {
    env: { PATH: process.env.PATH, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await once(child, 'message');
  return { port, child };
}
const { port: barePort, child: bare } = await startBaseline('bare-express.js');
const { port: nestPort, child: bareNest } = await startBaseline('bare-nest.js');

const base = `http://127.0.0.1:${port}`;
const db = new pg.Client({ connectionString: url.href });
await db.connect();

async function post(route, body, headers = {}) {
  const res = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${route}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

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

/** Clients [from, to) (bench/lib.js seedClients). */
const seed = (from, to) => seedClients(db, from, to);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round2 = (x) => Math.round(x * 100) / 100;

/** CPU seconds (user + system) a process has used, from /proc (Linux; undefined elsewhere). */
async function cpuSeconds(pid) {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

/**
 * autocannon for `duration` s; answers 2xx per second (refusals are not throughput) and the CPU microseconds
 * per answered request of the Node process serving it (`pid`), which a shared machine's load hardly moves.
 */
async function http(options, pid = child.pid) {
  const before = await cpuSeconds(pid);
  const r = await autocannon({ connections, duration, ...options });
  const after = await cpuSeconds(pid);
  const ok = Object.entries(r.statusCodeStats ?? {}).reduce((n, [code, s]) => (code.startsWith('2') ? n + s.count : n), 0);
  const cpuMicros = before === undefined ? undefined : Math.round(((after - before) * 1e6) / Math.max(1, r.requests.total));
  return { perSecond: ok / duration, cpuMicros, non2xx: r.non2xx, errors: r.errors, p50: r.latency.p50, p99: r.latency.p99 };
}

/** One pgbench run of a script file on the floor's database; answers transactions per second. */
async function pgbench(script, vars = {}) {
  const file = path.join(os.tmpdir(), `floor-${process.pid}-${Math.random().toString(36).slice(2)}.sql`);
  await writeFile(file, script);
  const args = ['-n', '-c', String(connections), '-j', '2', '-T', String(duration), '-f', file, '-M', 'prepared'];
  for (const [k, v] of Object.entries(vars)) args.push('-D', `${k}=${v}`);
  args.push('-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres'), DB);
  const child = spawn(pgbenchPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const [code] = await once(child, 'exit');
  await rm(file, { force: true });
  const tps = /tps = ([\d.]+)/.exec(out);
  const failed = /number of failed transactions: (\d+)/.exec(out);
  if (code !== 0 || !tps) throw new Error(`pgbench exited with ${code}:\n${out}`);
  return { perSecond: Number(tps[1]), failed: failed ? Number(failed[1]) : 0 };
}

const result = {
  benchmark: 'floor',
  date: new Date().toISOString(),
  machine: machine(),
  connections,
  durationSeconds: duration,
  rounds,
  clients,
};
try {
  result.database = `PostgreSQL ${(await db.query('SHOW server_version')).rows[0].server_version}`;
  await seed(START, START + 2 * clients);
  await db.query(`SELECT setval(pg_get_serial_sequence('object', 'id'), $1)`, [START + 2 * clients]);
  await db.query('ANALYZE');
  const ids = (
    await db.query(`SELECT (SELECT id FROM state WHERE code = 'enabled') AS enabled, (SELECT id FROM state WHERE code = 'disabled') AS disabled,
    (SELECT id FROM app_user WHERE username = 'bench') AS "user"`)
  ).rows[0];
  const bearer = await token('bench', PASSWORD);
  const session = await post('/api/v1/sign/in', { username: 'bench', password: PASSWORD });
  const auth = { authorization: `Bearer ${bearer}` };

  // The floors. Ids of the floor's half: [floorFrom, floorFrom + clients).
  const floorFrom = START + clients;
  const vars = { from: floorFrom, n: clients, enabled: ids.enabled, disabled: ids.disabled, user: ids.user };
  const floorAction = `\\set id random(:from, :from + :n - 1)
\\set st :enabled + (:disabled - :enabled) * random(0, 1)
BEGIN;
SELECT o.id, o.class_id, o.state_id FROM object o JOIN object_class c ON c.id = o.class_id JOIN essence e ON e.id = c.essence_id WHERE o.id = :id FOR UPDATE OF o;
UPDATE object_state SET valid_to = greatest(clock_timestamp(), valid_from) WHERE object_id = :id AND valid_to = 'infinity';
INSERT INTO object_state (object_id, state_id, valid_from) SELECT :id::bigint, :st::bigint, coalesce((SELECT max(valid_to) FROM object_state WHERE object_id = :id), clock_timestamp());
UPDATE object SET state_id = :st, updated = now(), oper_id = :user, oper_date = now() WHERE id = :id;
INSERT INTO event_log (type, code, category, text, user_id, object_id) VALUES ('W', 0, 'workflow', 'enable', :user, :id);
INSERT INTO outbox (event_id, type, payload) VALUES (gen_random_uuid(), 'client.enabled', jsonb_build_object('id', :id::bigint));
COMMIT;
`;
  const floorCreate = `BEGIN;
INSERT INTO object (type_id, class_id, state_id, owner_id, oper_id, label) SELECT type_id, class_id, state_id, owner_id, oper_id, 'floor' FROM object WHERE id = :from RETURNING id \\gset
INSERT INTO object_state (object_id, state_id, valid_from) SELECT id, state_id, clock_timestamp() FROM object WHERE id = :id;
INSERT INTO event_log (type, code, category, text, user_id, object_id) VALUES ('W', 0, 'workflow', 'create', :user, :id::bigint);
INSERT INTO outbox (event_id, type, payload) VALUES (gen_random_uuid(), 'client.created', jsonb_build_object('id', :id::bigint));
COMMIT;
`;
  // The app's actions: each object's next method from its state as we left it (created/disabled: enable).
  const enabled = new Set();
  let code = 0;
  const pairs = [
    {
      name: 'action/run / floor action (pgbench)',
      target: 0.5,
      app: () =>
        http({
          url: `${base}/api/v1/action/run`,
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => {
                const id = START + Math.floor(Math.random() * clients);
                const action = enabled.has(id) ? 'disable' : 'enable';
                if (action === 'enable') enabled.add(id);
                else enabled.delete(id);
                return { ...req, headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ id, action }) };
              },
            },
          ],
        }),
      baseline: () => pgbench(floorAction, vars),
    },
    {
      name: 'client/set (create) / floor create (pgbench)',
      target: 0.3,
      app: () =>
        http({
          url: `${base}/api/v1/client/set`,
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => ({
                ...req,
                headers: { 'content-type': 'application/json', ...auth },
                body: JSON.stringify({ code: `floor-${process.pid}-${code++}`, name: { name: 'Floor' } }),
              }),
            },
          ],
        }),
      baseline: () => pgbench(floorCreate, vars),
    },
    {
      name: 'client/get / ping',
      target: 0.5,
      app: () =>
        http({
          url: `${base}/api/v1/client/get`,
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => ({
                ...req,
                headers: { 'content-type': 'application/json', ...auth },
                body: JSON.stringify({ id: START + Math.floor(Math.random() * clients) }),
              }),
            },
          ],
        }),
      baseline: () => http({ url: `${base}/api/v1/ping` }),
    },
    {
      name: 'whoami / ping',
      target: 0.5,
      app: () => http({ url: `${base}/api/v1/whoami`, method: 'POST', headers: auth }),
      baseline: () => http({ url: `${base}/api/v1/ping` }),
    },
    {
      name: 'ping / bare Express',
      target: 0.8,
      app: () => http({ url: `${base}/api/v1/ping` }),
      baseline: () => http({ url: `http://127.0.0.1:${barePort}/api/v1/ping` }, bare.pid),
    },
    {
      // No target: where the ping pair's gap lies (the framework itself, or what the app puts on every request).
      name: 'bare Nest / bare Express',
      app: () => http({ url: `http://127.0.0.1:${nestPort}/api/v1/ping` }, bareNest.pid),
      baseline: () => http({ url: `http://127.0.0.1:${barePort}/api/v1/ping` }, bare.pid),
    },
    {
      name: 'signed current/session / bearer',
      target: 0.7,
      app: () => {
        let last = 0;
        return http({
          url: `${base}/api/v1/current/session`,
          requests: [
            {
              method: 'POST',
              // A fresh nonce and signature per request, as a client must send.
              setupRequest: (req) => {
                last = Math.max(Date.now() * 1000, last + 1);
                const nonce = String(last);
                const signature = createHmac('sha256', session.secret).update(`/current/session${nonce}null`).digest('hex');
                return {
                  ...req,
                  headers: { 'content-type': 'application/json', Session: session.session, Nonce: nonce, Signature: signature },
                  body: 'null',
                };
              },
            },
          ],
        });
      },
      baseline: () => http({ url: `${base}/api/v1/current/session`, method: 'POST', headers: auth }),
    },
  ].filter((p) => !only || only.some((o) => p.name.startsWith(o)));

  // Warm-up: JIT and caches on every route before the first measured round.
  await http({ url: `${base}/api/v1/ping`, duration: 2 });
  await http({ url: `http://127.0.0.1:${barePort}/`, duration: 2 });
  await http({ url: `http://127.0.0.1:${nestPort}/api/v1/ping`, duration: 2 }, bareNest.pid);
  result.pairs = {};
  for (const pair of pairs) {
    const runs = { app: [], baseline: [] };
    for (let r = 0; r < rounds; r++) {
      runs.baseline.push(await pair.baseline());
      runs.app.push(await pair.app());
    }
    const ratios = runs.app.map((a, i) => round2(a.perSecond / runs.baseline[i].perSecond));
    result.pairs[pair.name] = {
      target: pair.target === undefined ? 'none: a measure of the framework' : `>= ${pair.target}`,
      ratios,
      medianRatio: median(ratios),
      app: runs.app.map((a) => Math.round(a.perSecond)),
      baseline: runs.baseline.map((b) => Math.round(b.perSecond)),
      appNon2xx: runs.app.map((a) => a.non2xx),
    };
    if (runs.baseline[0].cpuMicros !== undefined) {
      // Both legs served by Node: the inverse ratio of CPU per request, the same reading less the machine's noise.
      const cpu = runs.app.map((a, i) => round2(runs.baseline[i].cpuMicros / a.cpuMicros));
      Object.assign(result.pairs[pair.name], {
        cpuRatios: cpu,
        medianCpuRatio: median(cpu),
        appCpuMicrosPerRequest: runs.app.map((a) => a.cpuMicros),
        baselineCpuMicrosPerRequest: runs.baseline.map((b) => b.cpuMicros),
      });
    }
    console.error(
      `${pair.name}: ${ratios.join(', ')} (app ${result.pairs[pair.name].app.join(', ')}/s; baseline ${result.pairs[pair.name].baseline.join(', ')}/s)${result.pairs[pair.name].cpuRatios ? `; by CPU per request: ${result.pairs[pair.name].cpuRatios.join(', ')}` : ''}`,
    );
  }

  if (!only || only.includes('list')) {
    // The list: an operator (the access filter is in the query), one request at a time, alternating with the
    // same SQL run directly.
    await post('/api/v1/sign/up', { username: 'benchop', password: 'bench-operator-password' }, auth);
    await db.query(
      `UPDATE user_group_member SET group_id = (SELECT id FROM user_group WHERE code = 'operator') WHERE user_id = (SELECT id FROM app_user WHERE username = 'benchop')`,
    );
    const operator = { authorization: `Bearer ${await token('benchop', 'bench-operator-password')}` };
    const listBody = {
      search: [
        { field: 'lastname', compare: 'EQL', value: 'Lastname42' },
        { condition: 'AND', field: 'statecode', compare: 'NEQ', value: 'deleted' },
        { condition: 'AND', field: 'info', compare: 'GIN', value: { n: 42 } },
      ],
      orderby: ['created DESC'],
      reclimit: 50,
    };
    // Above the ids the app and the floor handed out while measuring; the first 2 x FLOOR_CLIENTS count too.
    const LIST_START = 2_000_000_000;
    let seeded = LIST_START;
    result.list = {};
    for (const size of listSizes) {
      while (seeded - LIST_START + 2 * clients < size) {
        const n = Math.min(100_000, size - 2 * clients - (seeded - LIST_START));
        await seed(seeded, seeded + n);
        seeded += n;
      }
      await db.query(`SELECT setval(pg_get_serial_sequence('object', 'id'), $1)`, [seeded]);
      await db.query('ANALYZE');
      await rm(captureFile, { force: true });
      const rows = await post('/api/v1/client/list', listBody, operator);
      const lines = (await readFile(captureFile, 'utf8')).trim().split('\n');
      const sql = JSON.parse(lines[lines.length - 1]);
      const direct = new pg.Client({ connectionString: url.href });
      await direct.connect();
      await direct.query('SET jit = off'); // as the app's connections run
      const httpMs = [];
      const sqlMs = [];
      for (let i = 0; i < listSamples; i++) {
        let t0 = performance.now();
        const res = await fetch(`${base}/api/v1/client/list`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...operator },
          body: JSON.stringify(listBody),
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`list: ${res.status}`);
        httpMs.push(performance.now() - t0);
        t0 = performance.now();
        await direct.query(sql.text, sql.values);
        sqlMs.push(performance.now() - t0);
      }
      const plan = await direct.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql.text}`, sql.values);
      await direct.end();
      const pct = (xs, q) => round2([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]);
      const entry = {
        rowsAnswered: rows.length,
        httpMs: { p50: pct(httpMs, 0.5), p95: pct(httpMs, 0.95) },
        sqlMs: { p50: pct(sqlMs, 0.5), p95: pct(sqlMs, 0.95) },
        p95Ratio: round2(pct(httpMs, 0.95) / pct(sqlMs, 0.95)),
        target: 'p95 ratio <= 2',
        plan: plan.rows.map((r) => r['QUERY PLAN']),
      };
      result.list[size] = entry;
      console.error(`list on ${size}: HTTP p95 ${entry.httpMs.p95} ms / SQL p95 ${entry.sqlMs.p95} ms = ${entry.p95Ratio}`);
    }
  }
} finally {
  await db.end();
  await stopServer(child);
  bare.kill('SIGTERM');
  bareNest.kill('SIGTERM');
  await rm(dataDir, { recursive: true, force: true });
  await rm(captureFile, { force: true });
}
console.log(JSON.stringify(result, (k, v) => (k === 'plan' ? undefined : v), 2));
await writeFile(path.join('bench', 'results', `floor-${Date.now()}.json`), JSON.stringify(result, null, 2));
