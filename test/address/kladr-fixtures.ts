import { mkdir, mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DBFFile, type FieldDescriptor } from 'dbffile';

/** A record of KLADR.DBF or STREET.DBF: [NAME, SOCR, CODE, INDEX?, OCATD?]. */
export type Row = [name: string, socr: string, code: string, index?: string, okato?: string];

export const PLACE_FIELDS: FieldDescriptor[] = [
  { name: 'NAME', type: 'C', size: 40 },
  { name: 'SOCR', type: 'C', size: 10 },
  { name: 'CODE', type: 'C', size: 13 },
  { name: 'INDEX', type: 'C', size: 6 },
  { name: 'GNINMB', type: 'C', size: 4 },
  { name: 'UNO', type: 'C', size: 4 },
  { name: 'OCATD', type: 'C', size: 11 },
  { name: 'STATUS', type: 'C', size: 1 },
];
export const STREET_FIELDS: FieldDescriptor[] = [
  { name: 'NAME', type: 'C', size: 40 },
  { name: 'SOCR', type: 'C', size: 10 },
  { name: 'CODE', type: 'C', size: 17 },
  { name: 'INDEX', type: 'C', size: 6 },
  { name: 'GNINMB', type: 'C', size: 4 },
  { name: 'UNO', type: 'C', size: 4 },
  { name: 'OCATD', type: 'C', size: 11 },
];
export const SOCR_FIELDS: FieldDescriptor[] = [
  { name: 'LEVEL', type: 'C', size: 5 },
  { name: 'SCNAME', type: 'C', size: 10 },
  { name: 'SOCRNAME', type: 'C', size: 29 },
  { name: 'KOD_T_ST', type: 'C', size: 3 },
];

/** A small release covering every level: codes `СС РРР ГГГ ППП АА` / `СС РРР ГГГ ППП УУУУ АА`. */
export const PLACES: Row[] = [
  ['Москва', 'г', '7700000000000', '', '45000000000'],
  ['Зеленоград', 'г', '7700000200000', '124460', '45272000000'], // a city straight under a region
  ['Московская', 'обл', '5000000000000', '', '46000000000'],
  ['Раменский', 'р-н', '5001200000000', '140100', '46248000000'],
  ['Раменское', 'г', '5001200100000', '140105', '46248501000'], // a city in a district
  ['Дергаево', 'д', '5001200100200', '', ''], // a settlement in a city
  ['Заречье', 'д', '5001200000300', '140130', ''], // a settlement in a district, no city
  ['Старое Раменское', 'г', '5001200100051'], // not current: AA = 51
  ['Бывшая', 'д', '5001200000499'], // not current: AA = 99
];
export const STREETS: Row[] = [
  ['Тверская', 'ул', '77000000000012300', '125009', '45286585000'], // under a region-level city
  ['Садовая', 'ул', '50012001000000100', '140101'], // under a city
  ['Полевая', 'ул', '50012001002000200'], // under a settlement in a city
  ['Лесная', 'ул', '50012000003000300', '140131'], // under a settlement in a district
  ['Ленина', 'ул', '50012001000000451'], // not current
  ['Кривая', 'ул', '5001200100000X100'], // malformed code: rejected
];
export const SOCRBASE: [level: string, short: string, full: string][] = [
  ['1', 'г', 'Город'],
  ['1', 'обл', 'Область'],
  ['2', 'р-н', 'Район'],
  ['3', 'г', 'Город'],
  ['4', 'д', 'Деревня'],
  ['5', 'ул', 'Улица'],
  ['6', 'д', 'Дом'],
];

export interface ReleaseSpec {
  places?: Row[];
  streets?: Row[];
  socrbase?: typeof SOCRBASE;
  /** The header date of every file (the release), `YYYY-MM-DD`. */
  date?: string;
  /** Encoding of KLADR.DBF (wrong-encoding cases). */
  placesEncoding?: string;
}

const record = (fields: string[], row: string[]) => Object.fromEntries(fields.map((f, i) => [f, row[i] ?? '']));

/** Writes a release's three DBF files into `dir` (created) in CP866, as the tax service ships them. */
export async function writeRelease(dir: string, spec: ReleaseSpec = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  const date = spec.date ?? '2026-05-04';
  const places = (spec.places ?? PLACES).map(([n, s, c, i, o]) =>
    record(['NAME', 'SOCR', 'CODE', 'INDEX', 'OCATD'], [n, s, c, i ?? '', o ?? '']),
  );
  const streets = (spec.streets ?? STREETS).map(([n, s, c, i, o]) =>
    record(['NAME', 'SOCR', 'CODE', 'INDEX', 'OCATD'], [n, s, c, i ?? '', o ?? '']),
  );
  const socr = (spec.socrbase ?? SOCRBASE).map((r) => record(['LEVEL', 'SCNAME', 'SOCRNAME'], r));
  await writeDbf(path.join(dir, 'KLADR.DBF'), PLACE_FIELDS, places, date, spec.placesEncoding);
  await writeDbf(path.join(dir, 'STREET.DBF'), STREET_FIELDS, streets, date);
  await writeDbf(path.join(dir, 'SOCRBASE.DBF'), SOCR_FIELDS, socr, date);
  return dir;
}

export async function writeDbf(
  file: string,
  fields: FieldDescriptor[],
  records: Record<string, string>[],
  date = '2026-05-04',
  encoding = 'cp866',
) {
  await rm(file, { force: true });
  const dbf = await DBFFile.create(file, fields, { encoding });
  if (records.length > 0) await dbf.appendRecords(records);
  await setHeaderDate(file, date);
}

/** dbffile stamps today's date; a release's date is the header's YY MM DD (bytes 1-3). */
export async function setHeaderDate(file: string, date: string): Promise<void> {
  const [y, m, d] = date.split('-').map(Number);
  const handle = await open(file, 'r+');
  try {
    await handle.write(Buffer.from([y - 1900, m, d]), 0, 3, 1);
  } finally {
    await handle.close();
  }
}

/** Cuts the last `bytes` off a file (a download that stopped short). */
export async function cutShort(file: string, bytes: number): Promise<void> {
  const handle = await open(file, 'r');
  const { size } = await handle.stat();
  await handle.close();
  await truncate(file, size - bytes);
}

export async function tempDir(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kladr-test-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export { writeFile };
