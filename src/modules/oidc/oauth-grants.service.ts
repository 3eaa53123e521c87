import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { sha256Hex } from '../../common/security/hash.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AccountsService } from '../auth/accounts.service.js';
import { SignInService } from '../auth/sign-in.service.js';
import { TokenService } from '../auth/tokens/token.service.js';


/** invalid_grant whose description the client sees (oidc-provider's own keeps a generic one). */
function invalidGrant(description: string): errors.InvalidGrant {
  return Object.assign(new errors.InvalidGrant(description), { error_description: description });
}
const ID_TOKEN_SCOPES = ['openid', 'profile', 'email'];

/**
 * The grants that end in one of our sessions, issued through the identity TokenService so the API guard
 * accepts their access tokens and signing out revokes them: `password` (seed 002: username + password, the
 * same credential check and lockout as /api/v1/sign/in) and `refresh_token` (rotation; reusing a rotated
 * token revokes its family and closes the session).
 */
@Injectable()
export class OAuthGrantsService {
  constructor(
    private readonly signIn: SignInService,
    private readonly tokens: TokenService,
    private readonly accounts: AccountsService,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  register(provider: Provider): void {
    provider.registerGrantType('password', (ctx) => this.password(provider, ctx), ['username', 'password', 'secret', 'scope']);
    provider.registerGrantType('refresh_token', (ctx) => this.refresh(provider, ctx), ['refresh_token', 'scope']);
  }

  private async password(provider: Provider, ctx: KoaContextWithOIDC): Promise<void> {
    const { params, client } = ctx.oidc;
    const username = params?.username as string | undefined;
    const password = params?.password as string | undefined;
    if (params?.secret !== undefined) throw new errors.InvalidRequest('sign-in by secret code is not supported yet');
    if (!username || !password) throw new errors.InvalidRequest('username and password are required');
    const scope = this.grantedScope(params?.scope as string | undefined, client!.scope ?? '');
    const req = ctx.req as Request;
    let signedIn;
    try {
      signedIn = await this.signIn.signIn(
        { field: 'username', login: username, password },
        { agent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null, host: ctx.ip, clientId: client!.clientId },
      );
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'UNAUTHORIZED' || err.code === 'FORBIDDEN')) throw invalidGrant(err.message);
      throw err;
    }
    ctx.body = await this.issue(provider, ctx, { userId: signedIn.userId, sessionId: signedIn.sessionId, session: signedIn.session, scope, family: randomUUID() });
  }

  private async refresh(provider: Provider, ctx: KoaContextWithOIDC): Promise<void> {
    const presented = ctx.oidc.params?.refresh_token as string | undefined;
    if (!presented) throw new errors.InvalidRequest('refresh_token is required');
    const [row] = await this.ds.query<{ family: string; sessionId: string; clientId: string; scope: string | null; rotated: Date | null; expired: boolean }[]>(
      `SELECT family, session_id AS "sessionId", client_id AS "clientId", scope, rotated, expires < now() AS expired FROM refresh_token WHERE token_hash = $1`,
      [sha256Hex(presented)],
    );
    if (!row || row.clientId !== ctx.oidc.client!.clientId) throw invalidGrant('invalid refresh token');
    if (row.rotated) {
      // A rotated token used again: someone holds a copy. Revoke the family and close its session.
      await this.ds.query(`DELETE FROM refresh_token WHERE family = $1`, [row.family]);
      await this.accounts.closeSession(row.sessionId);
      throw invalidGrant('refresh token reused: the grant is revoked');
    }
    if (row.expired) throw invalidGrant('refresh token expired');
    const session = await this.accounts.openSession(row.sessionId);
    if (!session) throw invalidGrant('the session of this refresh token is closed');
    const [rotated] = await this.ds.query<[unknown[], number]>(`UPDATE refresh_token SET rotated = now() WHERE token_hash = $1 AND rotated IS NULL RETURNING 1`, [sha256Hex(presented)]);
    if (rotated.length !== 1) throw invalidGrant('invalid refresh token');
    const scope = this.grantedScope(ctx.oidc.params?.scope as string | undefined, row.scope ?? '');
    ctx.body = await this.issue(provider, ctx, { userId: session.userId, sessionId: row.sessionId, session: session.code, scope, family: row.family });
  }

  /** Access token (ours), a rotated refresh token, and an id_token when the scope asks for one. */
  private async issue(provider: Provider, ctx: KoaContextWithOIDC, g: { userId: string; sessionId: string; session: string; scope: string; family: string }) {
    const client = ctx.oidc.client!;
    const { token, expiresIn } = await this.tokens.issueAccessToken({ userId: g.userId, session: g.session, clientId: client.clientId, scope: g.scope });
    const refreshToken = randomBytes(32).toString('base64url');
    await this.ds.query(
      `INSERT INTO refresh_token (token_hash, family, session_id, client_id, scope, expires) VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [sha256Hex(refreshToken), g.family, g.sessionId, client.clientId, g.scope || null, this.config.auth.refreshTokenTtl],
    );
    const scopes = g.scope.split(' ');
    let idToken: string | undefined;
    if (scopes.some((s) => ID_TOKEN_SCOPES.includes(s))) {
      const claims = (await this.accounts.claims(g.userId)) ?? { sub: g.userId };
      const id = new provider.IdToken(claims, { ctx });
      id.set('sid', g.session);
      (id as unknown as { scope: string }).scope = ['openid', ...scopes].join(' '); // the claims mask reads it; the typings omit it
      idToken = await id.issue({ use: 'idtoken' });
    }
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: expiresIn,
      session: g.session,
      refresh_token: refreshToken,
      ...(idToken ? { id_token: idToken } : {}),
      scope: g.scope,
    };
  }

  /** The requested scopes the client may have (all of the client's when none are asked for). */
  private grantedScope(requested: string | undefined, allowed: string): string {
    const allowedSet = new Set(allowed.split(' ').filter(Boolean));
    const asked = requested ? requested.split(' ').filter(Boolean) : [...allowedSet];
    const refused = asked.filter((s) => !allowedSet.has(s));
    if (refused.length > 0) throw new errors.InvalidScope('requested scope is not allowed', refused.join(' '));
    return asked.join(' ');
  }
}
