import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../auth/entities/user.entity.js';

export type IdTokenAlg = 'RS256' | 'ES256';

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

  /** The scopes a request that names none gets (first-party clients: `api`). */
  @Column({ type: 'text', default: '' })
  defaultScope: string;

  /** How its id tokens are signed (OpenID Connect: RS256 unless the client registers another). */
  @Column({ type: 'varchar', length: 10, default: 'RS256' })
  idTokenSignedResponseAlg: IdTokenAlg;

  /** client_credentials answers a refresh token too (seed 002); RFC 6749 4.4.3 says it should not. */
  @Column({ type: 'boolean', default: true })
  clientCredentialsRefresh: boolean;

  /**
   * The client's own account (like Keycloak's service accounts): client_credentials tokens carry its session,
   * and its groups are the client's rights (`account_creator`: it may sign users up).
   */
  @Column({ type: 'bigint', nullable: true, unique: true })
  serviceUserId: string | null;

  @OneToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'service_user_id' })
  serviceUser?: Relation<User>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated: Date;
}
