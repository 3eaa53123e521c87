// The CompanySessions export (seed 000) at scale: 1,000,000 shift sessions exported over HTTP by the built
// server, against `COPY (the same query) TO STDOUT` on the same database in the same run.
// Measures rows/s, time to first byte, and the server's memory: its start-up peak, its idle RSS, and the peak during the
// exports (the high-water mark reset after start-up through /proc/<pid>/clear_refs).
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:shifts   (ROWS=... to change the size)
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { exportSql } from '../dist/src/modules/sessions-export/shift-sessions.repository.js';
import { requestSignature } from '../dist/src/modules/auth/request-signature.js';
import { freePort, machine, startServer, stopServer } from './lib.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.ROWS ?? 1_000_000);
const DB = `bench_shifts_${randomBytes(4).toString('hex')}`;
const url = new URL(adminUrl);
url.pathname = `/${DB}`;

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${DB}`);
const port = await freePort();
const PASSWORD = 'bench-password-1';
let server;
try {
  ({ child: server } = await startServer({
    PORT: String(port),
    DATABASE_URL: url.href,
    LOG_LEVEL: 'warn',
    BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_TIME_COST: '1',
  }));
  const db = new pg.Client({ connectionString: url.href });
  await db.connect();
  db.on('error', () => {}); // DROP DATABASE ... WITH (FORCE) ends it when a failure skips db.end()
  // One office (the essence's rows as /office/set writes them) and the administrator with an e-mail to log in.
  await db.query(`UPDATE app_user SET email = 'admin@bench.local' WHERE username = 'admin'`);
  const signed = await (
    await fetch(`http://127.0.0.1:${port}/api/v1/sign/in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    })
  ).json();
  const officeBody = JSON.stringify({ code: 'azs-1', name: 'Офис 1', timezone: 'Europe/Moscow' });
  const nonce = String(Date.now() * 1000);
  const created = await fetch(`http://127.0.0.1:${port}/api/v1/office/set`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      Session: signed.session,
      Nonce: nonce,
      Signature: requestSignature(signed.secret, '/office/set', nonce, officeBody),
    },
    body: officeBody,
  });
  if (!created.ok) throw new Error(`office/set: ${created.status} ${await created.text()}`);
  const [{ id: officeId }] = (await db.query(`SELECT id FROM reference WHERE code = 'azs-1'`)).rows;
  const t0 = performance.now();
  await db.query(
    `INSERT INTO shift_session (user_id, user_uuid, first_name, last_name, middle_name, beg_office_id, beg_office, beg_time, beg_local,
                                end_office_id, end_office, end_time, end_local)
     SELECT u.id, u.uuid, 'Иван', 'Иванов', 'Иванович', $1, 'Офис 1', b, b AT TIME ZONE 'Europe/Moscow',
            $1, 'Офис 1', b + interval '8 hours', (b + interval '8 hours') AT TIME ZONE 'Europe/Moscow'
       FROM app_user u, LATERAL (SELECT now() - interval '5 days' + g * interval '400 milliseconds' AS b FROM generate_series(1, $2) g) s
      WHERE u.username = 'admin'`,
    [officeId, ROWS],
  );
  await db.query('ANALYZE shift_session');
  const seeded = performance.now() - t0;

  const token = (
    await (
      await fetch(`http://127.0.0.1:${port}/account/generatetoken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin@bench.local', pswd: PASSWORD }),
      })
    ).json()
  ).token;

  const kib = async (field) =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(await readFile(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0);
  const startupPeak = await kib('VmHWM');
  const idle = await kib('VmRSS');
  // The peak from here on is the exports' own: Linux resets the high-water mark to the current RSS on `5` written
  // to clear_refs (proc(5)); where that is refused, VmHWM still holds the start-up peak and says so.
  const reset = await writeFile(`/proc/${server.pid}/clear_refs`, '5').then(
    () => true,
    () => false,
  );

  async function viaHttp(accept) {
    const start = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/api/CompanySessions/`, { headers: { authorization: token, accept } });
    let ttfb;
    let bytes = 0;
    let rows = 0;
    for await (const chunk of res.body) {
      ttfb ??= performance.now() - start;
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x7b /* { */) rows++;
    }
    return { status: res.status, ms: performance.now() - start, ttfb, bytes, rows };
  }

  async function viaCopy() {
    const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const from = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    const { text, values } = exportSql({ from, to });
    const inlined = text.replace(/\$(\d)::date/g, (_, n) => `'${values[Number(n) - 1]}'::date`);
    const start = performance.now();
    const stream = db.query(copyTo(`COPY (${inlined}) TO STDOUT`));
    let ttfb;
    let bytes = 0;
    let rows = 0;
    for await (const chunk of stream) {
      ttfb ??= performance.now() - start;
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) rows++;
    }
    return { ms: performance.now() - start, ttfb, bytes, rows };
  }

  // Alternate, twice each, and keep each one's best.
  const runs = { http: [], copy: [] };
  for (let round = 0; round < 2; round++) {
    runs.copy.push(await viaCopy());
    runs.http.push(await viaHttp('application/json'));
  }
  const best = (list) => list.reduce((a, b) => (a.ms <= b.ms ? a : b));
  const http = best(runs.http);
  const copy = best(runs.copy);
  const exportPeak = await kib('VmHWM');
  await db.end();
  const rps = (r) => Math.round((r.rows / r.ms) * 1000);
  console.log(
    JSON.stringify(
      {
        machine: machine(),
        rows: ROWS,
        seededMs: Math.round(seeded),
        export: {
          status: http.status,
          rows: http.rows,
          rowsPerSecond: rps(http),
          ttfbMs: Math.round(http.ttfb),
          mb: +(http.bytes / 2 ** 20).toFixed(1),
        },
        copy: { rows: copy.rows, rowsPerSecond: rps(copy), ttfbMs: Math.round(copy.ttfb), mb: +(copy.bytes / 2 ** 20).toFixed(1) },
        throughputVsCopy: +(rps(http) / rps(copy)).toFixed(2),
        serverRssMb: {
          startupPeak: Math.round(startupPeak / 1024),
          idleBeforeExport: Math.round(idle / 1024),
          [reset ? 'peakDuringExports' : 'peakSinceStart']: Math.round(exportPeak / 1024),
        },
      },
      null,
      2,
    ),
  );
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  if (server) await stopServer(server).catch(() => server.kill('SIGKILL'));
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
}
