import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { DBFFile, FieldDescriptor } from 'dbffile';

/**
 * Reading the official KLADR files (DBF, CP866) one batch at a time: never a whole file in memory. Everything
 * that makes a file unusable (not a DBF, wrong fields, truncated, another encoding) stops the import with a
 * KladrFileError that names the file and, where there is one, the record.
 */

export const KLADR_ENCODING = 'cp866';

/** The files the tree is built from; DOMA, ALTNAMES, FLAT and NAMEMAP are not needed. */
export const KLADR_FILES = ['SOCRBASE.DBF', 'KLADR.DBF', 'STREET.DBF'] as const;
export type KladrFileName = (typeof KLADR_FILES)[number];

/** The fields the tree needs of each file: the type, and the size (exact, or at most). */
interface FieldRule {
  name: string;
  size: number;
  exact?: boolean;
}

const FIELDS: Record<KladrFileName, FieldRule[]> = {
  'KLADR.DBF': [
    { name: 'NAME', size: 40 },
    { name: 'SOCR', size: 10 },
    { name: 'CODE', size: 13, exact: true },
    { name: 'INDEX', size: 6 },
    { name: 'OCATD', size: 11 },
  ],
  'STREET.DBF': [
    { name: 'NAME', size: 40 },
    { name: 'SOCR', size: 10 },
    { name: 'CODE', size: 17, exact: true },
    { name: 'INDEX', size: 6 },
    { name: 'OCATD', size: 11 },
  ],
  'SOCRBASE.DBF': [
    { name: 'LEVEL', size: 5 },
    { name: 'SCNAME', size: 10 },
    { name: 'SOCRNAME', size: 29 },
  ],
};

/** Text fields checked for the encoding (the ones that carry Russian words). */
const WORDS: Record<KladrFileName, string[]> = {
  'KLADR.DBF': ['NAME', 'SOCR'],
  'STREET.DBF': ['NAME', 'SOCR'],
  'SOCRBASE.DBF': ['SCNAME', 'SOCRNAME'],
};

/**
 * What CP866-encoded Russian text decodes to: printable ASCII, the Russian alphabet and №. CP866 maps every
 * byte to something, so text in another encoding shows up as box-drawing or Ukrainian/Belarusian letters:
 * Windows-1251's capitals (0xC0-0xDF) and UTF-8's lead bytes (0xD0, 0xD1) both land in the box-drawing range.
 */
const CP866_RUSSIAN = /^[\u0020-\u007e\u0401\u0410-\u044f\u0451\u2116]*$/;

export class KladrFileError extends Error {
  override readonly name = 'KladrFileError';

  constructor(
    readonly file: string,
    readonly record: number | null,
    readonly reason: string,
  ) {
    super(`${file}${record === null ? '' : `, record ${record}`}: ${reason}`);
  }
}

/** One record as the tree needs it; `record` is its 1-based position in the file. */
export type KladrRecord = Record<string, string> & { record: number };

/** Finds the three files in a directory, whatever the case of their names; `source` is what the user named. */
export async function locateFiles(dir: string, source = dir): Promise<Record<KladrFileName, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new KladrFileError(source, null, `cannot read the directory (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const found = {} as Record<KladrFileName, string>;
  for (const file of KLADR_FILES) {
    const name = names.find((n) => n.toUpperCase() === file);
    if (!name) throw new KladrFileError(file, null, `not found in ${source} (a release needs ${KLADR_FILES.join(', ')})`);
    found[file] = path.join(dir, name);
  }
  return found;
}

/** An opened, checked KLADR file. */
export class KladrFile {
  private constructor(
    readonly file: KladrFileName,
    private readonly dbf: DBFFile,
    /** dbffile's key that marks a deleted record. */
    private readonly deleted: symbol,
  ) {}

  /** Records in the file (deleted ones included). */
  get recordCount(): number {
    return this.dbf.recordCount;
  }

  /** The date of the file's last update, from its header (`YYYY-MM-DD`): the release. */
  get updated(): string {
    const d = this.dbf.dateOfLastUpdate;
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  /** Opens `filePath` as `file`, checking its header, fields and length before a record is read. */
  static async open(file: KladrFileName, filePath: string): Promise<KladrFile> {
    // dbffile is loaded on an import, not at the server's start.
    const { DBFFile, DELETED } = await import('dbffile');
    let dbf: DBFFile;
    try {
      dbf = await DBFFile.open(filePath, { encoding: KLADR_ENCODING, includeDeletedRecords: true });
    } catch (err) {
      throw new KladrFileError(file, null, `is not a readable DBF file (${(err as Error).message})`);
    }
    checkFields(file, dbf.fields);
    await checkLength(file, filePath, dbf.recordCount);
    return new KladrFile(file, dbf, DELETED);
  }

  /**
   * The records in batches of `size`, deleted ones left out, each checked for the encoding. The record numbers
   * count deleted records too, so they match what a DBF viewer shows.
   */
  async *batches(size: number): AsyncGenerator<KladrRecord[]> {
    const words = WORDS[this.file];
    const names = FIELDS[this.file].map((f) => f.name);
    let position = 0;
    for (;;) {
      const rows = (await this.dbf.readRecords(size)) as Record<string | symbol, unknown>[];
      if (rows.length === 0) return;
      const batch: KladrRecord[] = [];
      for (const row of rows) {
        position++;
        if (row[this.deleted]) continue;
        const record = { record: position } as KladrRecord;
        for (const name of names) record[name] = typeof row[name] === 'string' ? row[name].trim() : '';
        for (const name of words) {
          if (!CP866_RUSSIAN.test(record[name])) {
            throw new KladrFileError(
              this.file,
              position,
              `${name} ${JSON.stringify(record[name].slice(0, 40))} is not Russian text in CP866 (is the file in another encoding?)`,
            );
          }
        }
        batch.push(record);
      }
      yield batch;
    }
  }
}

function checkFields(file: KladrFileName, fields: FieldDescriptor[]): void {
  const expected = FIELDS[file].map((r) => `${r.name} C${r.size}`).join(', ');
  for (const rule of FIELDS[file]) {
    const field = fields.find((f) => f.name.toUpperCase() === rule.name);
    if (!field) throw new KladrFileError(file, null, `has no field ${rule.name} (expected ${expected})`);
    const sizeOk = rule.exact ? field.size === rule.size : field.size <= rule.size;
    if (field.type !== 'C' || !sizeOk) {
      throw new KladrFileError(file, null, `field ${rule.name} is ${field.type}${field.size}, expected C${rule.size} (${expected})`);
    }
  }
}

/**
 * dbffile trusts the header's record count and would read a file cut short as stale bytes, so the length the
 * header implies (header length at offset 8, record length at 10, both little-endian) is compared first.
 */
async function checkLength(file: KladrFileName, filePath: string, recordCount: number): Promise<void> {
  const handle = await open(filePath, 'r');
  try {
    const head = Buffer.alloc(12);
    await handle.read(head, 0, 12, 0);
    const header = head.readUInt16LE(8);
    const length = head.readUInt16LE(10);
    const { size } = await handle.stat();
    const needed = header + recordCount * length;
    if (size < needed) {
      const complete = Math.max(0, Math.floor((size - header) / length));
      throw new KladrFileError(
        file,
        complete + 1,
        `the file is truncated: its header announces ${recordCount} records (${needed} bytes) but it has ${size} bytes; the last complete record is ${complete}`,
      );
    }
  } finally {
    await handle.close();
  }
}
