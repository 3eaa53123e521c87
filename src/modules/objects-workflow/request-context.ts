import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { requestLanguage, type Language } from '../../common/i18n/language.js';
import type { AuthContext } from '../../common/security/auth-context.js';
import type { Actor } from './workflow-handler.js';

/**
 * One request's context (design/objects-kernel.md section 2), built once from the request and passed as one
 * value: who acts, in which language, as of which operational date (the session's `oper_date`; null: now).
 */
export interface RequestContext {
  actor: Actor;
  language: Language;
  operDate: Date | null;
  requestId: string | null;
}

export function actorOf(auth: AuthContext): Actor {
  return {
    userId: auth.userId,
    session: auth.session,
    admin: auth.admin,
    accountCreator: auth.accountCreator,
    areaId: auth.areaId,
    operDate: auth.operDate,
  };
}

/** The context of an authenticated request; the language falls back to the session's (never a literal). */
export function requestContextOf(req: Request): RequestContext {
  const auth = req.auth;
  if (!auth) throw new Error('@Context() on a route without authentication');
  return {
    actor: actorOf(auth),
    language: requestLanguage(req, auth.language),
    operDate: auth.operDate,
    requestId: typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : null,
  };
}

/** The caller's RequestContext (routes behind the guard). */
export const Context = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext =>
  requestContextOf(ctx.switchToHttp().getRequest<Request>()),
);
