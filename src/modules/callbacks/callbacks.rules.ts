import { ValidateBy } from 'class-validator';
import { parseTimestamp } from '../../common/validation/dates.js';

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
    return parseTimestamp(v) ? undefined : `The ${field} is not a valid date (YYYY-MM-DD HH:MM:SS, ISO 8601 or epoch milliseconds).`;
  };
