import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { User } from '../auth/entities/user.entity.js';

/**
 * A seed 004 identification code: only its SHA-256 is kept (the code itself is derived again from the user and
 * the window's start with a server key, see QrCodesService). A user that is deleted leaves the row with no user
 * (getUser then answers 10); rows are purged QR_CODE_RETAIN_SECONDS after they expire.
 */
@Entity({ name: 'qr_code' })
@Unique('uq_qr_code_user_start', ['userId', 'timeStart'])
@Index('ix_qr_code_expire', ['timeExpire'])
export class QrCode {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ type: 'char', length: 64, unique: true })
  codeHash: string;

  @Column({ type: 'timestamptz' })
  timeStart: Date;

  @Column({ type: 'timestamptz' })
  timeExpire: Date;
}

/** getUser calls per client address and fixed window (the rate limit, shared by every instance). */
@Entity({ name: 'qr_rate_window' })
export class QrRateWindow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  address: string;

  @PrimaryColumn({ type: 'timestamptz' })
  windowStart: Date;

  @Column({ type: 'integer' })
  hits: number;
}
