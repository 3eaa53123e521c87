import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SevenZipModuleFactory } from '7z-wasm';
import { KLADR_FILES, KladrFileError } from './kladr-files.js';

/** A release's files, ready to read, and how to clean up after them. */
export interface ReleaseFiles {
  dir: string;
  /** Removes what extraction wrote (nothing for a directory given as is). */
  dispose(): Promise<void>;
}

/**
 * The release at `source`: a directory of DBF files as is, or an archive (`Base.7z` as the tax service ships it)
 * with the three files the tree needs extracted into a private temporary directory. 7-Zip runs as WebAssembly
 * (7z-wasm), so nothing is downloaded or executed outside Node and it works wherever Node does.
 */
export async function openRelease(source: string): Promise<ReleaseFiles> {
  let info;
  try {
    info = await stat(source);
  } catch (err) {
    throw new KladrFileError(source, null, `not found (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (info.isDirectory()) return { dir: source, dispose: async () => {} };
  const dir = await mkdtemp(path.join(tmpdir(), 'kladr-'));
  try {
    await extract(source, dir);
    return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function extract(archive: string, target: string): Promise<void> {
  // Loaded here, on an import, not at the server's start. 7z-wasm ships a CommonJS build whose `module.exports`
  // is the factory, with typings that declare it as an ES `default` export: under `nodenext` TypeScript types the
  // default import as the module namespace.
  const SevenZip = (await import('7z-wasm')).default as unknown as SevenZipModuleFactory;
  const output: string[] = [];
  const sevenZip = await SevenZip({ print: () => {}, printErr: (line: string) => output.push(line) });
  sevenZip.FS.mkdir('/in');
  sevenZip.FS.mount(sevenZip.NODEFS, { root: path.dirname(path.resolve(archive)) }, '/in');
  sevenZip.FS.mkdir('/out');
  sevenZip.FS.mount(sevenZip.NODEFS, { root: target }, '/out');
  // e: extract without paths and -r: match the names in any folder (a release may keep its files in one);
  // -ssc-: names in any case; -bd: no progress indicator; -y: no questions.
  const status = sevenZip.callMain(['e', '-r', '-bd', '-y', '-ssc-', `/in/${path.basename(archive)}`, '-o/out', ...KLADR_FILES]) as unknown;
  if (typeof status === 'number' && status !== 0) {
    const reason =
      output
        .map((l) => l.trim())
        .filter((l) => l && !l.includes('/in/'))
        .join('; ') || `7-Zip exit code ${status}`;
    throw new KladrFileError(path.basename(archive), null, `cannot be extracted: ${reason}`);
  }
}
