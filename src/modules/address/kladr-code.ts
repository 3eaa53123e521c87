/**
 * The arithmetic of KLADR codes (design/workflow.md section 8). A tree code is 17 digits `ФФ СС РРР ГГГ ППП УУУУ`:
 * country 2, region 2, district 3, city 3, settlement 3, street 4. A node's level is the position of its last
 * non-zero segment (0 country .. 5 street); its parent is the code with that segment zeroed, which is the node
 * of the previous non-zero segment. The official files carry the code without the country and with the
 * two-digit actuality flag `АА` at the end: KLADR.DBF `СС РРР ГГГ ППП АА` (13), STREET.DBF `СС РРР ГГГ ППП УУУУ АА` (17).
 */

export const LEVELS = ['country', 'region', 'district', 'city', 'settlement', 'street'] as const;
export type LevelName = (typeof LEVELS)[number];
export type Level = 0 | 1 | 2 | 3 | 4 | 5;

/** [offset, length] of each segment of a 17-digit tree code, by level. */
const SEGMENTS: readonly (readonly [number, number])[] = [
  [0, 2],
  [2, 2],
  [4, 3],
  [7, 3],
  [10, 3],
  [13, 4],
];

/** The country of the official KLADR (the Russian Federation). */
export const COUNTRY_CODE = '01';
export const ROOT_CODE = `${COUNTRY_CODE}${'0'.repeat(15)}`;

/** What a malformed code is told: the format, as the seed writes it. */
export const CODE_FORMAT = '17 digits ФФ СС РРР ГГГ ППП УУУУ (country, region, district, city, settlement, street)';

const TREE_CODE = /^\d{17}$/;

export interface KladrCode {
  code: string;
  level: Level;
  /** The parent's code; null for a country. */
  parent: string | null;
  /** The digits of each segment, country first. */
  segments: string[];
}

function isZero(digits: string): boolean {
  return /^0+$/.test(digits);
}

/** Whether `text` has the shape of a tree code (17 digits with a non-zero country). */
export function isTreeCode(text: unknown): text is string {
  return typeof text === 'string' && TREE_CODE.test(text) && !isZero(text.slice(0, 2));
}

export function segmentsOf(code: string): string[] {
  return SEGMENTS.map(([at, len]) => code.slice(at, at + len));
}

/** The level of a tree code: the position of its last non-zero segment. */
export function levelOf(code: string): Level {
  const segments = segmentsOf(code);
  for (let level = 5; level > 0; level--) if (!isZero(segments[level])) return level as Level;
  return 0;
}

/** The code with the segment of its own level zeroed: the node of the previous non-zero segment. */
export function parentOf(code: string): string | null {
  const level = levelOf(code);
  if (level === 0) return null;
  const [at, len] = SEGMENTS[level];
  return code.slice(0, at) + '0'.repeat(len) + code.slice(at + len);
}

/** The codes of every ancestor, nearest first (the country last). */
export function ancestorsOf(code: string): string[] {
  const out: string[] = [];
  for (let parent = parentOf(code); parent !== null; parent = parentOf(parent)) out.push(parent);
  return out;
}

export function parseTreeCode(code: string): KladrCode | null {
  if (!isTreeCode(code)) return null;
  return { code, level: levelOf(code), parent: parentOf(code), segments: segmentsOf(code) };
}

/**
 * A node's id: its code read as a number. Ids are then the same in every release (a client may keep one), and
 * with the country 01 of the official KLADR the largest, 01 99 999 999 999 9999, is far below 2^53: ids stay
 * exact JSON numbers.
 */
export function idOf(code: string): string {
  return code.replace(/^0+/, '');
}

/** The tree code of an id (left-padded back to 17 digits); null when the id cannot be one. */
export function codeOfId(id: string): string | null {
  if (!/^[1-9]\d{0,16}$/.test(id)) return null;
  const code = id.padStart(17, '0');
  return isTreeCode(code) ? code : null;
}

/** A record's code in an official file, split into the tree code and its actuality flag; null when malformed. */
export interface FileCode {
  code: string;
  actuality: string;
}

/** KLADR.DBF: `СС РРР ГГГ ППП АА` (13 digits), a place of level 1..4. */
export function placeCode(text: string): FileCode | null {
  if (!/^\d{13}$/.test(text) || isZero(text.slice(0, 2))) return null;
  return { code: `${COUNTRY_CODE}${text.slice(0, 11)}0000`, actuality: text.slice(11) };
}

/** STREET.DBF: `СС РРР ГГГ ППП УУУУ АА` (17 digits) with a non-zero street segment. */
export function streetCode(text: string): FileCode | null {
  if (!/^\d{17}$/.test(text) || isZero(text.slice(0, 2)) || isZero(text.slice(11, 15))) return null;
  return { code: `${COUNTRY_CODE}${text.slice(0, 15)}`, actuality: text.slice(15) };
}
