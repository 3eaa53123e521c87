import type { ApiContractName } from './api-contract.js';
import type { Language } from '../i18n/language.js';
import type { DomainError } from './domain-error.js';

export interface RenderedError {
  status: number;
  body: Record<string, unknown>;
}

/** RFC 6749 error for an HTTP status, when the thrower named none. */
function oauthErrorFor(status: number): string {
  if (status === 401) return 'invalid_client';
  if (status === 403) return 'access_denied';
  if (status === 503) return 'temporarily_unavailable';
  return status >= 500 ? 'server_error' : 'invalid_request';
}

/** Renders a DomainError in the envelope of the contract its route belongs to (see api-contract.ts). */
export function renderError(contract: ApiContractName, e: DomainError, requestId: string, language: Language): RenderedError {
  const { fields, contractCode, oauthError } = e.details;
  const message = e.messageIn(language);
  const requestRef = e.status >= 500 ? { requestId } : {};
  switch (contract) {
    case 'callback':
      if (e.code === 'VALIDATION_FAILED' && fields) return { status: 422, body: { result: false, ...fields } };
      return { status: e.status, body: { result: false, error: message, ...requestRef } };
    case 'qr':
      return { status: e.status, body: { error: contractCode ?? 1, error_msg: message, ...requestRef } };
    case 'oauth':
      return {
        status: e.status,
        body: { error: oauthError ?? oauthErrorFor(e.status), error_description: message, ...requestRef },
      };
    case 'platform':
    case 'legacy':
      return {
        status: e.status,
        body: { error: { code: contractCode ?? e.status, message, ...(fields ? { fields } : {}), ...requestRef } },
      };
  }
}
