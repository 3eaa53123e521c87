import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SigningKeyUse = 'access' | 'legacy';

/**
 * Token signing keys, created on first start and rotatable: `access` (ES256, published as JWKS) and `legacy`
 * (the HS256 secret of seeds 000 and 003). A retired key still verifies until tokens it signed have expired.
 */
@Entity({ name: 'signing_key' })
export class SigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 10 })
  use: SigningKeyUse;

  @Column({ type: 'varchar', length: 10 })
  alg: string;

  @Column({ type: 'jsonb' })
  privateJwk: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  publicJwk: Record<string, unknown> | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;

  @Column({ type: 'timestamptz', nullable: true })
  retired: Date | null;
}
