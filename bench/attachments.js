// Object attachments against PostgreSQL (a fresh database on DATABASE_URL's server):
// 1. a FILE_MB (5) MB file of random bytes (incompressible, as most uploads are) uploaded with object/files/set
//    (base64 in JSON) and read back with object/files/get (base64) and GET object/file/content (bytes), ROUNDS
//    (10) times each; throughput in MB/s of file content, and the server's peak RSS (VmHWM) before and after.
//    Baseline in the same run: the same bytes written and read by a bare pg client as a bytea parameter.
// 2. object/geolocation/get p50/p95 (REQUESTS, 500 one at a time) on an object with POINTS (10,000) points of
//    history in 3 codes, against the same on an object with one point (the baseline), and the SQL plan.
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:attachments
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { freePort, freshDatabase, machine, startServer, stopServer, tempDir } from './lib.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const fileBytes = Math.round(Number(process.env.FILE_MB ?? 5) * 1024 * 1024);
const rounds = Number(process.env.ROUNDS ?? 10);
const points = Number(process.env.POINTS ?? 10_000);
const requests = Number(process.env.REQUESTS ?? 500);
const DB = 'platform_bench_attachments';
const CLIENT = { id: 'bench', secret: 'bench-client-secret-0123456789' };

const url = await freshDatabase(adminUrl, DB);

const port = await freePort();
const { child } = await startServer({
  PORT: String(port),
  DATA_DIR: await tempDir('platform-bench-attachments-'),
  DATABASE_URL: url.href,
  LOG_LEVEL: 'warn',
  OIDC_ISSUER: `http://127.0.0.1:${port}/oauth2`,
  BOOTSTRAP_ADMIN_USERNAME: 'bench',
  BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password',
  BOOTSTRAP_CLIENT_ID: CLIENT.id,
  BOOTSTRAP_CLIENT_SECRET: CLIENT.secret,
  FILE_MAX_BYTES: String(Math.max(fileBytes, 10 * 1024 * 1024)),
});
const base = `http://127.0.0.1:${port}`;
const db = new pg.Client({ connectionString: url.href });
await db.connect();

/** Peak and current resident set of the server process, MB (Linux /proc). */
async function rss() {
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { peakMb: Math.round(kb('VmHWM') / 1024), currentMb: Math.round(kb('VmRSS') / 1024) };
}

const tokenRes = await fetch(`${base}/oauth2/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'password',
    client_id: CLIENT.id,
    client_secret: CLIENT.secret,
    username: 'bench',
    password: 'bench-admin-password',
    scope: 'api',
  }),
});
if (!tokenRes.ok) throw new Error(`token: ${tokenRes.status} ${await tokenRes.text()}`);
const headers = { 'content-type': 'application/json', authorization: `Bearer ${(await tokenRes.json()).access_token}` };

async function call(route, body) {
  const res = await fetch(`${base}/api/v1${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${route}: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

async function newObject() {
  return JSON.parse(await call('/client/set', { code: `b${Math.random().toString(36).slice(2, 10)}`, name: { name: 'Bench' } })).id;
}

/** Median of `n` timed runs of `work`, ms. */
async function median(n, work) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await work(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function percentiles(count, send) {
  const times = [];
  for (let n = 0; n < count; n++) {
    const t0 = performance.now();
    await send();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] * 100) / 100;
  return { requests: count, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

const mbps = (ms) => Math.round((fileBytes / 1024 / 1024 / (ms / 1000)) * 10) / 10;
const result = {
  machine: machine(),
  database: `PostgreSQL ${(await db.query('SHOW server_version')).rows[0].server_version}`,
  fileBytes,
  rounds,
};
try {
  const content = randomBytes(fileBytes);
  const data = content.toString('base64');
  const id = await newObject();
  result.rssBeforeMb = await rss();

  const upload = await median(rounds, (i) =>
    call('/object/files/set', { id, files: [{ name: `/bench/${i % 2}.bin`, size: fileBytes, data }] }),
  );
  const afterUpload = await rss();
  const readJson = await median(rounds, async (i) => {
    const file = JSON.parse(await call('/object/files/get', { id, name: `/bench/${i % 2}.bin` }));
    if (file.data.length !== data.length) throw new Error('files/get answered other content');
  });
  const readBytes = await median(rounds, async (i) => {
    const res = await fetch(`${base}/api/v1/object/file/content?id=${id}&name=${encodeURIComponent(`/bench/${i % 2}.bin`)}`, { headers });
    const body = Buffer.from(await res.arrayBuffer());
    if (!res.ok || body.length !== fileBytes) throw new Error(`content: ${res.status}`);
  });
  const afterRead = await rss();

  // Baseline: the same bytes through a bare pg client (bytea parameter in, bytea out): the floor.
  await db.query(`CREATE TABLE bench_blob (id int PRIMARY KEY, content bytea)`);
  await db.query(`ALTER TABLE bench_blob ALTER COLUMN content SET STORAGE EXTERNAL`);
  const pgWrite = await median(rounds, (i) =>
    db.query(`INSERT INTO bench_blob VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET content = EXCLUDED.content`, [i % 2, content]),
  );
  const pgRead = await median(rounds, async (i) => {
    const { rows } = await db.query(`SELECT content FROM bench_blob WHERE id = $1`, [i % 2]);
    if (rows[0].content.length !== fileBytes) throw new Error('bare read');
  });
  result.file = {
    uploadFilesSet: { medianMs: Math.round(upload), mbPerSecond: mbps(upload), vsBarePg: Math.round((upload / pgWrite) * 100) / 100 },
    readFilesGetBase64: {
      medianMs: Math.round(readJson),
      mbPerSecond: mbps(readJson),
      vsBarePg: Math.round((readJson / pgRead) * 100) / 100,
    },
    readContentBytes: {
      medianMs: Math.round(readBytes),
      mbPerSecond: mbps(readBytes),
      vsBarePg: Math.round((readBytes / pgRead) * 100) / 100,
    },
    barePg: { writeMs: Math.round(pgWrite), readMs: Math.round(pgRead) },
    serverRss: { afterUpload, afterRead },
    note: 'vsBarePg: time over the bare pg client’s time for the same bytes (1 = as fast as the driver alone)',
  };

  // Geolocation: POINTS points over a year in 3 codes on one object, one point on another.
  const many = await newObject();
  const one = await newObject();
  await db.query(
    `INSERT INTO object_geolocation (object_id, code, latitude, longitude, date)
     SELECT $1, (ARRAY['default', 'home', 'work'])[1 + i % 3], (i % 180) - 89.5, (i % 360) - 179.5, now() - make_interval(mins => i * 53)
       FROM generate_series(1, $2::int) i`,
    [many, points],
  );
  await call('/object/geolocation/set', { id: one, coordinates: [{ latitude: 1, longitude: 2 }] });
  await db.query('ANALYZE object_geolocation');
  const get = (object) => () => call('/object/geolocation/get', { id: object });
  await percentiles(50, get(many)); // warm-up
  const baseline = await percentiles(requests, get(one));
  const long = await percentiles(requests, get(many));
  result.geolocationGet = {
    onePointMs: baseline,
    [`${points}PointsMs`]: long,
    p95Ratio: Math.round((long.p95 / baseline.p95) * 100) / 100,
  };
  const plan = await db.query(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
     WITH RECURSIVE codes AS (
       (SELECT code FROM object_geolocation WHERE object_id = $1 ORDER BY code LIMIT 1)
       UNION ALL
       SELECT (SELECT n.code FROM object_geolocation n WHERE n.object_id = $1 AND n.code > codes.code ORDER BY n.code LIMIT 1)
         FROM codes WHERE codes.code IS NOT NULL)
     SELECT p.* FROM codes CROSS JOIN LATERAL (
       SELECT g.* FROM object_geolocation g WHERE g.object_id = $1 AND g.code = codes.code AND g.date <= now()
        ORDER BY g.date DESC, g.id DESC LIMIT 1) p ORDER BY p.code`,
    [many],
  );
  result.geolocationPlan = plan.rows.map((r) => r['QUERY PLAN']);
} finally {
  await db.end();
  await stopServer(child);
}
console.log(JSON.stringify(result, null, 2));
await writeFile(path.join('bench', 'results', `attachments-${Date.now()}.json`), JSON.stringify(result, null, 2));
