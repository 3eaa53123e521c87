/**
 * The domain error catalogue: every code a service may throw, the HTTP status it maps to and
 * its default English message. Routes render it in their contract's envelope (see error.filter.ts).
 * Keep docs/errors.md in step with this table.
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, message: 'Bad Request' },
  INVALID_JSON: { status: 400, message: 'Malformed request body' },
  VALIDATION_FAILED: { status: 400, message: 'Validation failed' },
  LIST_QUERY_INVALID: { status: 400, message: 'Invalid list query' },
  UNAUTHORIZED: { status: 401, message: 'Unauthorized' },
  FORBIDDEN: { status: 403, message: 'Forbidden' },
  TOKEN_EXPIRED: { status: 403, message: 'Token expired' },
  NOT_FOUND: { status: 404, message: 'Not Found' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method Not Allowed' },
  CONFLICT: { status: 409, message: 'Conflict' },
  GONE: { status: 410, message: 'Gone' },
  LENGTH_REQUIRED: { status: 411, message: 'Length Required' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Payload Too Large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported Media Type' },
  UNPROCESSABLE: { status: 422, message: 'Unprocessable Entity' },
  TOO_MANY_REQUESTS: { status: 429, message: 'Too Many Requests' },
  INTERNAL: { status: 500, message: 'Internal server error' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'Service Unavailable' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
