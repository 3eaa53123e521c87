import { ValidateBy } from 'class-validator';
import { parseTimestamp } from '../../common/validation/dates.js';
import { numericId } from '../../common/validation/numeric-id.js';

/**
 * Seed 001's validation: one message per failing field (422 `{"result": false, "<field>": ["..."]}`), so each
 * field has one rule that says what is wrong with the value, rather than one message per constraint.
 */
export function Rule(check: (value: unknown) => string | undefined): PropertyDecorator {
  return ValidateBy({
    name: 'callbackRule',
    validator: {
      validate: (value: unknown) => check(value) === undefined,
      defaultMessage: (args) => check(args?.value) ?? 'is invalid',
    },
  });
}

const missing = (v: unknown) => v === undefined || v === null || v === '';

/** No control characters (NUL and the rest of C0, DEL): identifiers and logins are single-line text. */
const hasControl = (text: string) => [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

/** A required single-line string of 1..max characters. */
export const requiredText =
  (field: string, max: number) =>
  (v: unknown): string | undefined => {
    if (missing(v)) return `The ${field} field is required.`;
    if (typeof v !== 'string') return `The ${field} must be a string.`;
    if (v.trim().length === 0) return `The ${field} field is required.`;
    if (v.length > max) return `The ${field} may not be greater than ${max} characters.`;
    if (hasControl(v)) return `The ${field} must not contain control characters.`;
    return undefined;
  };

/** Optional text of at most `max` characters (line breaks allowed). */
export const optionalText =
  (field: string, max: number) =>
  (v: unknown): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') return `The ${field} must be a string.`;
    if (v.length > max) return `The ${field} may not be greater than ${max} characters.`;
    return undefined;
  };

/** An e-mail address as logins use them: local@domain, at most 254 characters. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

export const requiredEmail =
  (field: string) =>
  (v: unknown): string | undefined => {
    const text = requiredText(field, 254)(v);
    if (text) return text;
    return EMAIL.test(v as string) ? undefined : `The ${field} must be a valid email address.`;
  };

/**
 * The 4-digit PIN: the seed types it `{Number|Size:4}`, so a JSON number (0..9999, leading zeros lost in
 * transit: 42 is PIN 0042) or a string of exactly four digits. Undefined when it is neither.
 */
export function normalizePin(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 9999 ? String(v).padStart(4, '0') : undefined;
  if (typeof v === 'string') return /^\d{4}$/.test(v) ? v : undefined;
  return undefined;
}

export const requiredPin =
  (field: string) =>
  (v: unknown): string | undefined => {
    if (missing(v)) return `The ${field} field is required.`;
    return normalizePin(v) === undefined ? `The ${field} must be 4 digits.` : undefined;
  };

export const requiredDatetime =
  (field: string) =>
  (v: unknown): string | undefined => {
    if (missing(v)) return `The ${field} field is required.`;
    return parseTimestamp(v)
      ? undefined
      : `The ${field} is not a valid date (YYYY-MM-DD HH:MM:SS, ISO 8601, DD.MM.YYYY or epoch milliseconds).`;
  };

/** Longest `data` of a push, as JSON text. */
export const PUSH_DATA_MAX = 65_536;

/** seed 001's `data`: an object with an `id` (a string or a number, kept as text). */
export const pushData =
  (field: string) =>
  (v: unknown): string | undefined => {
    if (missing(v)) return `The ${field} field is required.`;
    if (typeof v !== 'object' || Array.isArray(v)) return `The ${field} must be an object.`;
    const id = (v as Record<string, unknown>).id;
    if (id === undefined || id === null || id === '') return `The ${field}.id field is required.`;
    if (typeof id === 'number' ? !Number.isSafeInteger(id) : typeof id !== 'string' || requiredText(`${field}.id`, 100)(id) !== undefined)
      return `The ${field}.id must be a string of at most 100 characters or an integer.`;
    if (JSON.stringify(v).length > PUSH_DATA_MAX) return `The ${field} may not be greater than ${PUSH_DATA_MAX} characters as JSON.`;
    return undefined;
  };

export const oneOf =
  (field: string, values: readonly string[]) =>
  (v: unknown): string | undefined => {
    if (missing(v)) return `The ${field} field is required.`;
    return typeof v === 'string' && values.includes(v) ? undefined : `The selected ${field} is invalid (one of ${values.join(', ')}).`;
  };

/** A required text that may span lines (title, message). */
export const requiredLongText =
  (field: string, max: number) =>
  (v: unknown): string | undefined => {
    if (missing(v)) return `The ${field} field is required.`;
    return optionalText(field, max)(v);
  };

/** A non-empty array of at most `max` portal ids. */
export const portalIds =
  (field: string, max: number) =>
  (v: unknown): string | undefined => {
    if (missing(v)) return `The ${field} field is required.`;
    if (!Array.isArray(v) || v.length === 0) return `The ${field} must be a non-empty array.`;
    if (v.length > max) return `The ${field} may not have more than ${max} items.`;
    const bad = v.findIndex((id) => requiredText(field, 100)(id) !== undefined);
    return bad < 0 ? undefined : `The ${field}.${bad} must be a string of 1 to 100 characters.`;
  };

/** `session_id` of the sessions DELETE: a numeric id (query strings carry it as digits). */
export const optionalSessionId = (v: unknown): string | undefined => {
  if (v === undefined) return undefined;
  return typeof v === 'string' && numericId(v) === v ? undefined : 'The session_id must be a positive integer.';
};

/** `all` of the sessions DELETE: `1` (the seed's), or `true`. */
export const optionalAll = (v: unknown): string | undefined => {
  if (v === undefined) return undefined;
  return v === '1' || v === 'true' ? undefined : 'The all must be 1.';
};
