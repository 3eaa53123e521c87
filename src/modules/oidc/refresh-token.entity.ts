import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Refresh tokens of the password (and later code) grants, bound to a session, kept only as SHA-256. Each use
 * rotates the token within its family; presenting a rotated one again revokes the family and closes the session.
 */
@Entity({ name: 'refresh_token' })
@Index('ix_refresh_token_family', ['family'])
@Index('ix_refresh_token_expires', ['expires'])
export class RefreshToken {
  @PrimaryColumn({ type: 'char', length: 64 })
  tokenHash: string;

  @Column({ type: 'uuid' })
  family: string;

  @Column({ type: 'bigint' })
  sessionId: string;

  @Column({ type: 'varchar', length: 100 })
  clientId: string;

  @Column({ type: 'text', nullable: true })
  scope: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;

  @Column({ type: 'timestamptz' })
  expires: Date;

  @Column({ type: 'timestamptz', nullable: true })
  rotated: Date | null;
}
