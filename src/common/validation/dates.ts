import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

/**
 * Years 0001-9999: what ISO 8601's four digits say, what JavaScript and PostgreSQL agree on. Outside it
 * PostgreSQL refuses some inputs (there is no year 0) and JavaScript others: the client gets a 400 instead.
 */
const MIN_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const MAX_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const EPOCH_MS = /^-?\d{1,15}$/;
const DOTTED = /^(\d{2})\.(\d{2})\.(\d{4})$/;
const DOTTED_TIME = /^(\d{2})\.(\d{2})\.(\d{4})(?:[\sT]+(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** A calendar day that exists (no 2020-02-30, no year 0), as UTC midnight; undefined otherwise. */
function day(y: number, m: number, d: number): Date | undefined {
  if (y < 1 || m < 1 || m > 12 || d < 1) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d); // setUTCFullYear keeps years below 100 as they are (Date.UTC does not)
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date : undefined;
}

/**
 * The API's one rule for timestamps (DTO fields, list queries, archive dates). Seed 002 says "all time fields
 * are in milliseconds" and writes dates as `dd.mm.yyyy`: a timestamp is epoch milliseconds (a number, or digits
 * in a form or query), ISO 8601 (`2026-05-01`, `2026-05-01T10:00:00.123+03:00`) or `dd.mm.yyyy[ hh:mm[:ss]]`;
 * without an offset it is UTC. Impossible dates and years outside 0001-9999 are undefined.
 */
export function parseTimestamp(value: unknown): Date | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = Number.isSafeInteger(value) ? value : undefined;
  else if (typeof value === 'string' && EPOCH_MS.test(value.trim())) ms = Number(value.trim());
  else if (typeof value === 'string') {
    const text = value.trim();
    const iso = ISO.exec(text);
    const dotted = iso ? null : DOTTED_TIME.exec(text);
    const m = iso ?? (dotted ? [dotted[0], dotted[3], dotted[2], dotted[1], dotted[4], dotted[5], dotted[6]] : null);
    if (!m) return undefined;
    const [hours, minutes, seconds] = [m[4], m[5], m[6]].map((x) => Number(x ?? 0));
    const date = day(Number(m[1]), Number(m[2]), Number(m[3]));
    if (!date || hours > 23 || minutes > 59 || seconds > 59) return undefined;
    const fraction = Number(((m[7] ?? '') + '000').slice(0, 3));
    ms = date.getTime() + ((hours * 60 + minutes) * 60 + seconds) * 1000 + (iso ? fraction : 0);
    const offset = iso && m[8] && !/^z$/i.test(m[8]) ? /^([+-])(\d{2}):?(\d{2})?$/.exec(m[8]) : null;
    if (offset) {
      const [oh, om] = [Number(offset[2]), Number(offset[3] ?? 0)];
      if (oh > 14 || om > 59) return undefined;
      ms -= (offset[1] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
    }
  }
  return ms !== undefined && ms >= MIN_MS && ms <= MAX_MS ? new Date(ms) : undefined;
}

/**
 * The API's one rule for calendar dates (a birthday, a list query on a date column): `YYYY-MM-DD`, the seed's
 * `DD.MM.YYYY`, or epoch milliseconds (a number or digits; its UTC day), as `YYYY-MM-DD`; undefined if no such day.
 */
export function parseCalendarDate(value: unknown): string | undefined {
  if (typeof value === 'number' || (typeof value === 'string' && EPOCH_MS.test(value.trim()))) {
    const date = parseTimestamp(value);
    return date?.toISOString().slice(0, 10);
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const dotted = iso ? null : DOTTED.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dotted ? [dotted[3], dotted[2], dotted[1]] : [];
  if (!y || !day(Number(y), Number(m), Number(d))) return undefined;
  return `${y}-${m}-${d}`;
}

/** What a form or query string sends for "no value": nothing, or the word null. */
const isFormNull = (value: unknown) => value === '' || value === 'null';

/**
 * A timestamp field (see parseTimestamp); the DTO property is a Date. `nullable`: null clears it, and so do
 * the empty text and `null` (what a form can send for it).
 */
export function IsTimestamp(field: string, options: { nullable?: boolean } = {}): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (options.nullable && isFormNull(value) ? null : (parseTimestamp(value) ?? value))),
    ValidateBy({
      name: 'isTimestamp',
      validator: {
        validate: (value: unknown) => value instanceof Date && !Number.isNaN(value.getTime()),
        defaultMessage: () =>
          `${field} must be epoch milliseconds, an ISO 8601 date-time or dd.mm.yyyy[ hh:mm[:ss]] of a real day in the years 0001-9999`,
      },
    }),
  );
}

/** A calendar date field (see parseCalendarDate); the DTO property is a `YYYY-MM-DD` string. */
export function IsCalendarDate(field: string): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => parseCalendarDate(value) ?? value),
    ValidateBy({
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseCalendarDate(value) === value,
        defaultMessage: () => `${field} must be a real day as YYYY-MM-DD, DD.MM.YYYY or epoch milliseconds in the years 0001-9999`,
      },
    }),
  );
}
