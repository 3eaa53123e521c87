import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Everything oidc-provider persists (sessions, interactions, codes, refresh tokens, grants, replay
 * detection...), one row per (model, id), with the columns its adapter looks rows up by.
 */
@Entity({ name: 'oidc_model' })
@Index('ix_oidc_model_grant', ['grantId'], { where: 'grant_id IS NOT NULL' })
@Index('ix_oidc_model_uid', ['uid'], { where: 'uid IS NOT NULL' })
@Index('ix_oidc_model_user_code', ['userCode'], { where: 'user_code IS NOT NULL' })
@Index('ix_oidc_model_expires', ['expiresAt'])
export class OidcModel {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  model: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'varchar', length: 255, nullable: true })
  grantId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  userCode: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  uid: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  consumedAt: Date | null;
}
