import { DomainError } from '../errors/domain-error.js';

/** How far and how wide a parsed input may go (BODY_MAX_DEPTH, BODY_MAX_KEYS). */
export interface InputLimits {
  maxDepth: number;
  maxKeys: number;
}

/**
 * Text PostgreSQL refuses: NUL (not storable in text, `\u0000` refused by jsonb) and lone UTF-16 surrogates
 * (refused by jsonb, silently turned into U+FFFD in text). Code units, not code points: no `u` flag.
 */
const REFUSED_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Keys that name the prototype chain: never data, refused like any unknown key (they were silently dropped). */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses a form key (`a[__proto__][b]`) naming the prototype chain: qs drops such keys without a word, so
 * forms are checked before they are parsed.
 */
export function checkFormKey(key: string): void {
  const segment = key.split(/[[\].]+/).find((s) => PROTOTYPE_KEYS.has(s));
  if (segment) throw fieldError(key, `property ${segment} should not exist`);
}

export function storableText(text: string): boolean {
  return !REFUSED_TEXT.test(text);
}

export const TEXT_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

function fieldError(field: string, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `Validation failed: ${field}: ${message}`, { fields: { [field]: [message] } });
}

/** `a.b[0].c`, as the validation pipe names nested fields. */
function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * The one check of every parsed input (bodies, query strings, OAuth parameters, credentials) before anything
 * reads it: nesting depth and key count bounded (class-transformer recurses per level, and 5,000 nested arrays
 * overflowed its stack on every DTO route), prototype keys refused, and every key and string storable by
 * PostgreSQL. Iterative, so the check itself cannot overflow; it stops at the first fault and names its field.
 */
export function checkInput(value: unknown, limits: InputLimits, root = ''): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  let keys = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (typeof v === 'string') {
      if (!storableText(v)) throw fieldError(item.path || 'body', TEXT_MESSAGE);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (item.depth >= limits.maxDepth) {
      throw new DomainError('BAD_REQUEST', `Input is nested deeper than ${limits.maxDepth} levels${item.path ? ` at ${item.path}` : ''}`);
    }
    const names = Array.isArray(v) ? undefined : Object.keys(v);
    keys += names ? names.length : (v as unknown[]).length;
    if (keys > limits.maxKeys) throw new DomainError('PAYLOAD_TOO_LARGE', `Input has more than ${limits.maxKeys} keys and elements`);
    if (!names) {
      (v as unknown[]).forEach((child, i) => stack.push({ value: child, path: childPath(item.path, i), depth: item.depth + 1 }));
      continue;
    }
    for (const key of names) {
      const path = childPath(item.path, key);
      if (PROTOTYPE_KEYS.has(key)) throw fieldError(path, `property ${key} should not exist`);
      if (!storableText(key)) throw fieldError(item.path || 'body', `keys ${TEXT_MESSAGE}`);
      const child = (v as Record<string, unknown>)[key];
      stack.push({ value: child, path, depth: item.depth + 1 });
    }
  }
}
