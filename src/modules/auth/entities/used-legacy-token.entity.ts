import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Legacy tokens (seed 003) already renewed at GET /api/v1.0/login, by `jti`: a token is renewable once. Kept
 * until the token is past its grace period (after which it cannot be renewed anyway), then purged.
 */
@Entity({ name: 'used_legacy_token' })
@Index('ix_used_legacy_token_expires', ['expires'])
export class UsedLegacyToken {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_used_legacy_token' })
  jti: string;

  @Column({ type: 'timestamptz' })
  expires: Date;
}
