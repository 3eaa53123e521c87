import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An OAuth 2.0 / OpenID Connect client. The secret is a random 32-byte value shown once; only its SHA-256 is
 * kept (a slow password hash buys nothing for a high-entropy secret and would throttle the token endpoint).
 */
@Entity({ name: 'oauth_client' })
export class OAuthClient {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  clientId: string;

  /** Null for public clients (PKCE, no secret). */
  @Column({ type: 'char', length: 64, nullable: true })
  secretHash: string | null;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  redirectUris: string[];

  @Column({ type: 'text', array: true })
  grantTypes: string[];

  @Column({ type: 'text', array: true })
  responseTypes: string[];

  /** Space-separated scopes the client may ask for. */
  @Column({ type: 'text' })
  scope: string;

  /** First-party clients skip the consent screen. */
  @Column({ type: 'boolean', default: false })
  firstParty: boolean;

  /** Its client-credentials tokens may call /api/v1/sign/up. */
  @Column({ type: 'boolean', default: false })
  canSignUp: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated: Date;
}
