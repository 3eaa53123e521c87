// Helpers shared by the benchmarks: run the built server as a child process and wait until it listens.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const MAIN = path.resolve('dist/src/main.js');

/**
 * The node flags an npm script of package.json runs its program with (`node --flag ... dist/...`), so a bench
 * measures what the script runs: `start`'s heap settings for the server, `kladr:import`'s heap cap for the CLI.
 */
export function nodeFlagsOf(script) {
  const line = JSON.parse(readFileSync('package.json', 'utf8')).scripts[script];
  return /node ((?:--\S+ )*)dist\//.exec(line)[1].trim().split(/\s+/).filter(Boolean);
}

/** The server's node flags: `npm start`'s, or SERVER_NODE_FLAGS (space-separated) to measure others. */
export const SERVER_NODE_FLAGS =
  process.env.SERVER_NODE_FLAGS === undefined ? nodeFlagsOf('start') : process.env.SERVER_NODE_FLAGS.split(/\s+/).filter(Boolean);

export async function freePort() {
  const srv = net.createServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Drops and creates the database `name` on the server of `adminUrl`; answers its URL. */
export async function freshDatabase(adminUrl, name) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url;
}

/** A temporary data dir the embedded PostgreSQL (run as the postgres user when we are root) can enter. */
export async function tempDir(prefix) {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

/**
 * Starts `node dist/src/main.js` (or another build's `main`) with SERVER_NODE_FLAGS; resolves with the child and the ms from spawn until
 * /health answers.
 */
export async function startServer(env, main = MAIN) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, main], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    if (output.length < 100_000) output += chunk.toString('utf8');
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`server exited before listening:\n${output}`);
    if (Date.now() > deadline) throw new Error(`server did not answer /health within 60 s:\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${env.PORT}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, ms: performance.now() - t0 };
}

export async function stopServer(child) {
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`server exited with ${code} on SIGTERM`);
}

export function machine() {
  return {
    cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

/** Client lastnames repeat every this many ids (so a lastname matches size / LASTNAMES clients). */
export const LASTNAMES = 2000;

/**
 * Clients with ids [from, to) in one statement per table, on `db` (a connected pg client): owner the user `bench`,
 * the default area, lastname `Lastname<i % LASTNAMES>`, info `{"n": i % 100}`. bench:objects and bench:floor.
 */
export async function seedClients(db, from, to) {
  await db.query('BEGIN');
  await db.query(
    `INSERT INTO object (id, type_id, class_id, state_id, owner_id, oper_id, label, created)
     OVERRIDING SYSTEM VALUE
     SELECT i, t.id, t.class_id, s.id, u.id, u.id, 'Client ' || i, now() - make_interval(secs => i)
       FROM generate_series($1::bigint, $2::bigint - 1) i,
            (SELECT id, class_id FROM object_type WHERE code = 'physical') t,
            (SELECT id FROM state WHERE code = 'created') s,
            (SELECT id FROM app_user WHERE username = 'bench') u`,
    [from, to],
  );
  await db.query(
    `INSERT INTO object_state (object_id, state_id, valid_from) SELECT id, state_id, created FROM object WHERE id >= $1 AND id < $2`,
    [from, to],
  );
  await db.query(
    `INSERT INTO document (id, area_id) SELECT id, (SELECT id FROM area WHERE code = 'default') FROM object WHERE id >= $1 AND id < $2`,
    [from, to],
  );
  await db.query(
    `INSERT INTO client (id, code, fullname, lastname, firstname, info)
     SELECT i, 'b' || i, 'Client ' || i, 'Lastname' || (i % ${LASTNAMES}), 'Name' || (i % 97), jsonb_build_object('n', i % 100)
       FROM generate_series($1::bigint, $2::bigint - 1) i`,
    [from, to],
  );
  await db.query(`INSERT INTO acl_object (object_id, user_id, allow) SELECT id, owner_id, 'sud' FROM object WHERE id >= $1 AND id < $2`, [
    from,
    to,
  ]);
  await db.query('COMMIT');
}
