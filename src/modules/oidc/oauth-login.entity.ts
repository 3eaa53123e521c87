import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Which of our sessions a browser's oidc-provider session signed in to: written when the login page succeeds
 * (the session is the one SignInService opened), read when codes and implicit tokens are issued for that
 * browser, and when /oauth2/logout ends it. Deleted with the session row; purged with old sessions.
 */
@Entity({ name: 'oauth_login' })
@Index('ix_oauth_login_session', ['sessionId'])
export class OAuthLogin {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  providerSessionUid: string;

  @Column({ type: 'bigint' })
  sessionId: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}
