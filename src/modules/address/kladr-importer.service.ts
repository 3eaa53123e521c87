import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import type { ImportCounts, Rejection } from './entities/address-tree-import.entity.js';
import { openRelease } from './kladr-archive.js';
import { type FileCode, idOf, type Level, levelOf, parentOf, placeCode, ROOT_CODE, streetCode } from './kladr-code.js';
import { KladrFile, KladrFileError, type KladrFileName, type KladrRecord, locateFiles } from './kladr-files.js';
import { KladrImportRepository } from './kladr-import.repository.js';

/** The country every KLADR code starts from (the files themselves start at the region). */
export const ROOT_NAME = 'Российская Федерация';
/** Records read from a DBF file per round (about 200 KB of STREET.DBF). */
const BATCH = 2000;
/** How often the import log's progress is written (records). */
const PROGRESS_EVERY = 50_000;
/** Rejections kept with the run (all of them are counted). */
const REJECTIONS_KEPT = 100;

export type ImportPhase = 'reading' | 'indexing' | 'swapping';

export interface ImportProgress {
  phase: ImportPhase;
  /** The file being read (reading phase). */
  file?: KladrFileName;
  done: number;
  total: number;
}

export interface ImportSummary extends ImportCounts {
  id: string;
  release: string;
  rejections: Rejection[];
}

export interface ImportOptions {
  userId?: string | null;
  onProgress?: (progress: ImportProgress) => void;
}

/** SOCRBASE: the full form of an abbreviation at a level (`5:ул` -> `Улица`). */
type Abbreviations = Map<string, string>;

const INDEX = /^\d{6}$/;
const OKATO = /^\d{11}$/;

/** A COPY text line: tab-separated, `\N` for null, backslash escapes for the four characters COPY reserves. */
function copyLine(values: (string | number | null)[]): string {
  return `${values.map((v) => (v === null ? '\\N' : String(v).replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]))).join('\t')}\n`;
}
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Imports a KLADR release (a directory of DBF files or Base.7z): reads KLADR.DBF and STREET.DBF record by record,
 * keeps the current ones (actuality 00), and streams them with COPY into a new table that replaces the tree in
 * one transaction. A bad file fails the whole import and the tree in force stays as it was.
 */
@Injectable()
export class KladrImporter {
  private readonly log = new Logger('KladrImporter');

  constructor(
    private readonly repo: KladrImportRepository,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The admin API's import: `source` names a directory or archive inside KLADR_IMPORT_DIR. The run is started
   * (lock taken, log row written) before this returns; it then goes on in the background and its outcome is in
   * the import log (`address/tree/import/get`).
   */
  async startOnServer(source: string, userId: string): Promise<string> {
    const root = this.config.kladr.importDir;
    const resolved = path.resolve(root, source);
    if (resolved !== root && !resolved.startsWith(`${root}${path.sep}`)) {
      throw invalidField('source', 'must name a file or directory inside KLADR_IMPORT_DIR');
    }
    if (!(await stat(resolved).catch(() => null))) {
      throw new DomainError('NOT_FOUND', { en: `${source} is not in KLADR_IMPORT_DIR`, ru: `${source} нет в KLADR_IMPORT_DIR` });
    }
    const run = await this.start(resolved, { userId });
    void this.finish(run).catch(() => {}); // the outcome is recorded in the run's log row by finish()
    return run.id;
  }

  async import(source: string, options: ImportOptions = {}): Promise<ImportSummary> {
    return this.finish(await this.start(source, options));
  }

  /**
   * Takes the import lock and opens the run; the returned handle runs it (the admin API answers after start and
   * lets it run). One import at a time across every process: a second one is a 409.
   */
  async start(source: string, options: ImportOptions = {}): Promise<ImportRun> {
    const unlock = await this.repo.lock();
    if (!unlock) throw new DomainError('CONFLICT', { en: 'A KLADR import is already running', ru: 'Загрузка КЛАДР уже выполняется' });
    try {
      await this.repo.closeAbandoned();
      const id = await this.repo.begin(source, options.userId ?? null);
      return { id, source, unlock, onProgress: options.onProgress };
    } catch (err) {
      await unlock();
      throw err;
    }
  }

  /** Runs a started import to its end (and releases its lock): the summary, or the reason it failed. */
  async finish(run: ImportRun): Promise<ImportSummary> {
    const state = new ImportState();
    try {
      const release = await openRelease(run.source);
      try {
        const files = await locateFiles(release.dir, run.source);
        return await this.uow.run(() => this.load(run.id, files, state, run.onProgress));
      } finally {
        await release.dispose();
      }
    } catch (err) {
      const message =
        err instanceof KladrFileError || err instanceof DomainError ? err.message : `import failed: ${(err as Error).message}`;
      await this.repo.fail(run.id, message, state.read > 0 ? state.counts(0) : null, state.rejections).catch(() => {});
      if (!(err instanceof KladrFileError)) this.log.error(`KLADR import ${run.id} failed: ${(err as Error).stack ?? String(err)}`);
      throw err instanceof KladrFileError ? new DomainError('UNPROCESSABLE', err.message) : err;
    } finally {
      await run.unlock();
    }
  }

  private async load(
    id: string,
    paths: Record<KladrFileName, string>,
    state: ImportState,
    onProgress: ImportOptions['onProgress'],
  ): Promise<ImportSummary> {
    state.reset(); // the unit of work may run this again after a rollback
    const socrbase = await KladrFile.open('SOCRBASE.DBF', paths['SOCRBASE.DBF']);
    const places = await KladrFile.open('KLADR.DBF', paths['KLADR.DBF']);
    const streets = await KladrFile.open('STREET.DBF', paths['STREET.DBF']);
    const abbreviations = await readAbbreviations(socrbase);
    const release = places.updated;
    const total = places.recordCount + streets.recordCount;
    const report = (phase: ImportPhase, file?: KladrFileName) => onProgress?.({ phase, file, done: state.read, total });

    await this.repo.createNext();
    const readers = [
      [places, placeCode],
      [streets, streetCode],
    ] as const;
    await this.repo.copy(this.lines(id, readers, state, abbreviations, release, report));

    report('indexing');
    const indexes = await this.repo.liveIndexes();
    for (const index of indexes) {
      for (const duplicate of await this.repo.buildIndex(index)) {
        state.levels[duplicate.level]--;
        state.reject(
          duplicate.level === 5 ? 'STREET.DBF' : 'KLADR.DBF',
          null,
          `CODE ${duplicate.code} is current twice; the first record is kept`,
        );
      }
    }
    const counts = state.counts(await this.repo.orphans());
    report('swapping');
    await this.repo.swap(indexes, { id, release, counts, rejections: state.rejections });
    return { id, release, ...counts, rejections: state.rejections };
  }

  /** The COPY text of the release: the country, then every current place and street, one chunk per batch. */
  private async *lines(
    id: string,
    readers: readonly (readonly [KladrFile, (text: string) => FileCode | null])[],
    state: ImportState,
    abbreviations: Abbreviations,
    release: string,
    report: (phase: ImportPhase, file?: KladrFileName) => void,
  ): AsyncGenerator<string> {
    yield copyLine([idOf(ROOT_CODE), null, ROOT_CODE, ROOT_NAME, null, null, 0, null, null, release]);
    state.levels[0]++;
    let reported = 0;
    const total = readers.reduce((n, [file]) => n + file.recordCount, 0);
    // import/get shows the total from the start, and done = total once the files are read (indexing and the
    // swap follow), not 0/0 until the first PROGRESS_EVERY records.
    await this.repo.progress(id, 0, total);
    for (const [file, parse] of readers) {
      for await (const batch of file.batches(BATCH)) {
        let chunk = '';
        for (const record of batch) chunk += state.row(file.file, record, parse, abbreviations, release);
        if (chunk) yield chunk;
        report('reading', file.file);
        if (state.read - reported >= PROGRESS_EVERY) {
          reported = state.read;
          await this.repo.progress(id, state.read, total);
        }
      }
    }
    await this.repo.progress(id, state.read, total);
  }
}

/** A started import: its log row and the lock it holds. */
export interface ImportRun {
  id: string;
  source: string;
  unlock: () => Promise<void>;
  onProgress?: ImportOptions['onProgress'];
}

/** What one attempt of an import has counted so far. */
class ImportState {
  read = 0;
  skipped = 0;
  rejected = 0;
  levels = [0, 0, 0, 0, 0, 0];
  rejections: Rejection[] = [];

  reset(): void {
    Object.assign(this, { read: 0, skipped: 0, rejected: 0, levels: [0, 0, 0, 0, 0, 0], rejections: [] });
  }

  counts(orphans: number): ImportCounts {
    const current = this.levels.reduce((a, b) => a + b, 0);
    return { read: this.read, current, skipped: this.skipped, rejected: this.rejected, levels: [...this.levels], orphans };
  }

  reject(file: string, record: number | null, reason: string): void {
    this.rejected++;
    if (this.rejections.length < REJECTIONS_KEPT) this.rejections.push({ file, record, reason });
  }

  /** The COPY line of one record, or '' when it is skipped (not current) or rejected (with the reason kept). */
  row(
    file: KladrFileName,
    r: KladrRecord,
    parse: (text: string) => FileCode | null,
    abbreviations: Abbreviations,
    release: string,
  ): string {
    this.read++;
    const parsed = parse(r.CODE);
    if (!parsed) {
      const format = file === 'KLADR.DBF' ? 'СС РРР ГГГ ППП АА (13 digits)' : 'СС РРР ГГГ ППП УУУУ АА (17 digits, street not 0000)';
      this.reject(file, r.record, `CODE ${JSON.stringify(r.CODE)} is not ${format}`);
      return '';
    }
    if (parsed.actuality !== '00') {
      this.skipped++;
      return '';
    }
    if (!r.NAME) return this.rejectRow(file, r, 'NAME is empty');
    if (r.INDEX && !INDEX.test(r.INDEX)) return this.rejectRow(file, r, `INDEX ${JSON.stringify(r.INDEX)} is not 6 digits`);
    if (r.OCATD && !OKATO.test(r.OCATD)) return this.rejectRow(file, r, `OCATD ${JSON.stringify(r.OCATD)} is not 11 digits`);
    const level: Level = levelOf(parsed.code);
    const parent = parentOf(parsed.code);
    this.levels[level]++;
    return copyLine([
      idOf(parsed.code),
      parent === null ? null : idOf(parent),
      parsed.code,
      r.NAME,
      r.SOCR || null,
      abbreviations.get(`${level}:${r.SOCR}`) ?? null,
      level,
      r.INDEX || null,
      r.OCATD || null,
      release,
    ]);
  }

  private rejectRow(file: KladrFileName, r: KladrRecord, reason: string): string {
    this.reject(file, r.record, reason);
    return '';
  }
}

/** SOCRBASE.DBF is small (a few hundred rows): read whole. LEVEL 1..5 are the tree's levels (6, houses, unused). */
async function readAbbreviations(file: KladrFile): Promise<Abbreviations> {
  const map: Abbreviations = new Map();
  for await (const batch of file.batches(BATCH)) {
    for (const r of batch) {
      const level = Number(r.LEVEL);
      if (Number.isInteger(level) && level >= 1 && level <= 5 && r.SCNAME) map.set(`${level}:${r.SCNAME}`, r.SOCRNAME);
    }
  }
  return map;
}
