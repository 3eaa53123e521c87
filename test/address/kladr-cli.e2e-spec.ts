import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import sevenZipModule, { type SevenZipModuleFactory } from '7z-wasm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/database.js';
import { testDatabase } from '../support/test-app.js';
import { cutShort, tempDir, writeFile, writeRelease } from './kladr-fixtures.js';

const CLI = path.resolve('dist/src/modules/address/kladr-import.cli.js');
const SevenZip = sevenZipModule as unknown as SevenZipModuleFactory;

/** Runs the built CLI as `npm run kladr:import -- <args>` does, from a neutral directory (no developer .env). */
async function runCli(args: string[], env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** Packs a release directory as the tax service does (Base.7z, the files inside a folder). */
async function pack(dir: string, archive: string): Promise<void> {
  const sevenZip = await SevenZip({ print: () => {}, printErr: () => {} });
  sevenZip.FS.mkdir('/work');
  sevenZip.FS.mount(sevenZip.NODEFS, { root: path.dirname(dir) }, '/work');
  sevenZip.FS.chdir('/work');
  const status = sevenZip.callMain(['a', '-bd', path.basename(archive), `${path.basename(dir)}/*`]) as unknown;
  expect(status).toBe(0);
}

describe('npm run kladr:import', () => {
  let db: TestDatabase;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;
  const nodes = async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<{ code: string; name: string }>(`SELECT code, name FROM address_tree ORDER BY id`)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    db = await testDatabase();
    files = await tempDir();
    env = { DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await db?.drop();
    await files?.dispose();
  });

  it('imports Base.7z: plain progress lines when not on a terminal, then the summary', async () => {
    const dir = await writeRelease(path.join(files.dir, 'Base'));
    await pack(dir, path.join(files.dir, 'Base.7z'));
    const { code, stdout, stderr } = await runCli([path.join(files.dir, 'Base.7z')], env, files.dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^reading KLADR\.DBF: \d+\/15 records \(\d+%\), \d+ records\/s, ETA /m);
    expect(stdout).toContain('building the indexes of the new tree');
    expect(stdout).toMatch(/^KLADR release 2026-05-04 imported \(run \d+\) in [\d.]+ s$/m);
    expect(stdout).toContain('records read  15');
    expect(stdout).toContain('current       12 nodes (country 1, region 2, district 1, city 2, settlement 2, street 4)');
    expect(stdout).toContain('skipped       3 (not current: actuality flag not 00)');
    expect(stdout).toMatch(/rejected {6}1\n {4}STREET\.DBF, record 6: CODE "5001200100000X100" is not/);
    expect((await nodes()).length).toBe(12);
  });

  it('a bad file: exit 1, the file and record named, the tree unchanged', async () => {
    const before = await nodes();
    const dir = await writeRelease(path.join(files.dir, 'cut'), { date: '2026-07-01' });
    await cutShort(path.join(dir, 'KLADR.DBF'), 250);
    const { code, stderr } = await runCli([dir], env, files.dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^KLADR import failed: KLADR\.DBF, record \d+: the file is truncated/m);
    expect(stderr).toContain('the address tree in force is unchanged');
    expect(await nodes()).toEqual(before);

    await writeFile(path.join(files.dir, 'broken.7z'), 'not an archive');
    const archive = await runCli([path.join(files.dir, 'broken.7z')], env, files.dir);
    expect(archive.code).toBe(1);
    expect(archive.stderr).toMatch(
      /KLADR import failed: broken\.7z: cannot be extracted: Open ERROR: Cannot open the file as \[7z\] archive/,
    );
  });

  it('usage', async () => {
    const { code, stderr } = await runCli([], env, files.dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^usage: npm run kladr:import -- </);
  });
});
