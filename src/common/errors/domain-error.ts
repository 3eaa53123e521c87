import type { Language, LocalizedText } from '../i18n/language.js';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** Field name -> what is wrong with it; rendered by every envelope that reports fields. */
export type FieldErrors = Record<string, string[]>;

export interface DomainErrorDetails {
  /** Per-field messages (validation). */
  fields?: FieldErrors;
  /** A contract's own numeric code (seed 004's 101..104, say), when it differs from the HTTP status. */
  contractCode?: number;
  /** The RFC 6749 error string, for /oauth2 routes. */
  oauthError?: string;
}

/**
 * The one error type services throw. It knows nothing about HTTP: the global filter maps `code`
 * to a status and renders the envelope of the route's contract.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  /** The message in each language, when the thrower gave one (seed contracts speak ru and en). */
  readonly localized?: LocalizedText;

  constructor(
    readonly code: ErrorCode,
    message: string | LocalizedText = ERROR_CODES[code].message,
    readonly details: DomainErrorDetails = {},
  ) {
    super(typeof message === 'string' ? message : message.en);
    if (typeof message !== 'string') this.localized = message;
  }

  /** The message in `language` (English when only one text was given). */
  messageIn(language: Language): string {
    return this.localized?.[language] ?? this.message;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
