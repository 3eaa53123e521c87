import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { Language } from '../i18n/language.js';

/** Who is calling: resolved by the auth guard from a bearer token or a request signature. */
export interface AuthContext {
  userId: string;
  username: string;
  /** Internal id and public code of the session every request belongs to. */
  sessionId: string;
  session: string;
  clientId: string | null;
  scope: string | null;
  admin: boolean;
  groups: string[];
  /** The session's current area (documents are visible in it and below it) and its oper_date, if set. */
  areaId: string;
  operDate: Date | null;
  language: Language;
  via: 'token' | 'signature' | 'legacy-token';
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
    client?: ClientContext;
  }
}

export const IS_PUBLIC = 'auth:public';
export const ADMIN_ONLY = 'auth:admin';
export const CLIENT_SCOPE = 'auth:client-scope';

/** A client acting on its own behalf (a client_credentials token: no user, no session). */
export interface ClientContext {
  clientId: string;
  scope: string[];
}

/** The route needs no credentials. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only members of the administrator group. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY, true);

/** Client-credentials tokens carrying `scope` may call the route too (they have no user or session). */
export const ClientScope = (scope: string) => SetMetadata(CLIENT_SCOPE, scope);

/** The caller's AuthContext (routes behind the guard always have one). */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<Request>().auth;
  if (!auth) throw new Error('@Auth() on a route without authentication');
  return auth;
});
