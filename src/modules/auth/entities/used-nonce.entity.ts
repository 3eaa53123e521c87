import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** (session, nonce) pairs already seen: a signed request is accepted once. Purged after the nonce window. */
@Entity({ name: 'used_nonce' })
@Index('ix_used_nonce_seen', ['seen'])
export class UsedNonce {
  @PrimaryColumn({ type: 'bigint' })
  sessionId: string;

  @PrimaryColumn({ type: 'bigint' })
  nonce: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  seen: Date;
}
