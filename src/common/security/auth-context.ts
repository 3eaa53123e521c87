import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { AppConfig } from '../../config/app-config.js';
import type { Language } from '../i18n/language.js';

/** Who is calling: resolved by the API guard from a bearer token, a request signature or HTTP Basic. */
export interface AuthContext {
  userId: string;
  username: string;
  /** Internal id and public code of the session every request belongs to. */
  sessionId: string;
  session: string;
  clientId: string | null;
  /** The access token's scopes; null for the ways in that stand for the user (signatures, Basic, legacy tokens). */
  scope: string | null;
  admin: boolean;
  /** May create user accounts and bind them to clients: administrators and the `account_creator` group. */
  accountCreator: boolean;
  groups: string[];
  /** The session's current area (documents are visible in it and below it) and its oper_date, if set. */
  areaId: string;
  operDate: Date | null;
  language: Language;
  via: 'token' | 'signature' | 'legacy-token' | 'basic' | 'browser';
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
  }
}

export const IS_PUBLIC = 'auth:public';
export const ADMIN_ONLY = 'auth:admin';
export const REQUIRED_SCOPE = 'auth:scope';

/** The scope an access token needs for a route that names none: everything under /api/v1 is the `api` scope. */
export const DEFAULT_SCOPE = 'api';

/** The route needs no credentials. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The route needs no credentials when the configuration says so (seed 004's getUser: QR_GETUSER_AUTH). */
export const PublicWhen = (test: (config: AppConfig) => boolean) => SetMetadata(IS_PUBLIC, test);

/** What @Public or @PublicWhen left on a route: whether it needs no credentials under this configuration. */
export function isPublic(mark: boolean | ((config: AppConfig) => boolean) | undefined, config: AppConfig): boolean {
  return typeof mark === 'function' ? mark(config) : mark === true;
}

/** Only members of the administrator group. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY, true);

/** The scope an access token must carry for the route (default `api`); other ways in are not scoped. */
export const RequiredScope = (scope: string) => SetMetadata(REQUIRED_SCOPE, scope);

/** The caller's AuthContext (routes behind the guard always have one). */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<Request>().auth;
  if (!auth) throw new Error('@Auth() on a route without authentication');
  return auth;
});
