import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { databaseUnavailable, databaseUnavailableError } from '../database/database-errors.js';
import { requestLanguage } from '../i18n/language.js';
import { ContractRegistry } from './contract-registry.js';
import { DomainError } from './domain-error.js';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';
import { renderError } from './error-envelopes.js';

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  (Object.entries(ERROR_CODES) as [ErrorCode, { status: number }][]).reverse().map(([code, { status }]) => [status, code]),
);

/**
 * The one exception filter. Whatever was thrown becomes a DomainError (unknown errors: a 500 whose detail goes
 * only to the log), then is rendered in the envelope of the contract the request path belongs to.
 */
@Catch()
@Injectable()
export class ErrorFilter implements ExceptionFilter {
  constructor(
    private readonly contracts: ContractRegistry,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    logger.setContext(ErrorFilter.name);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const requestId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : '';
    const error = this.toDomainError(exception, requestId);
    if (res.headersSent) {
      res.end();
      return;
    }
    const language = requestLanguage(req, this.config.auth.defaultLocale);
    const { status, body } = renderError(this.contracts.resolve(req.path), error, requestId, language);
    if (status === 503) res.setHeader('Retry-After', String(this.config.http.retryAfterSeconds));
    res.status(status).json(body);
  }

  private toDomainError(exception: unknown, requestId: string): DomainError {
    if (databaseUnavailable(exception)) {
      this.logger.warn({ err: exception, requestId }, 'database unavailable');
      return databaseUnavailableError();
    }
    if (exception instanceof DomainError) {
      if (exception.status >= 500) this.logger.error({ err: exception, requestId }, exception.message);
      return exception;
    }
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const code = CODE_BY_STATUS.get(status);
    if (exception instanceof HttpException && code && code !== 'INTERNAL') {
      // Nest's own exceptions (router 404, terminus 503...): keep the status, speak the catalogue's words
      // (the router's 404 says "Cannot GET /x"; the contract says "Not Found").
      return new DomainError(code, status >= 500 || status === 404 ? ERROR_CODES[code].message : exception.message);
    }
    this.logger.error({ err: exception, requestId }, 'unhandled error');
    return new DomainError('INTERNAL');
  }
}
