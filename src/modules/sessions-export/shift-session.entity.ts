import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { User } from '../auth/entities/user.entity.js';
import { PlatformReference } from '../objects-workflow/entities/object.entity.js';

/**
 * A work shift (seed 000's session): who, where and when it began and ended. What the export shows is written
 * with the shift (the person's public id and names, the offices' names, the local times in each office's time
 * zone), so the export reads this one table in the order of an index and joins nothing.
 */
@Entity({ name: 'shift_session' })
@Index('uq_shift_session_open', ['userId'], { unique: true, where: 'end_time IS NULL' })
@Index('ix_shift_session_beg_local', ['begLocal', 'id'])
export class ShiftSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'bigint' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ type: 'uuid' })
  userUuid: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  firstName: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  lastName: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  middleName: string | null;

  @Column({ type: 'bigint' })
  begOfficeId: string;

  @ManyToOne(() => PlatformReference, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'beg_office_id' })
  begOfficeRef?: Relation<PlatformReference>;

  @Column({ type: 'varchar', length: 500 })
  begOffice: string;

  @Column({ type: 'timestamptz' })
  begTime: Date;

  /** begTime in the office's time zone. */
  @Column({ type: 'timestamp' })
  begLocal: Date;

  @Column({ type: 'bigint', nullable: true })
  endOfficeId: string | null;

  @ManyToOne(() => PlatformReference, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'end_office_id' })
  endOfficeRef?: Relation<PlatformReference>;

  @Column({ type: 'varchar', length: 500, nullable: true })
  endOffice: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  endTime: Date | null;

  @Column({ type: 'timestamp', nullable: true })
  endLocal: Date | null;
}
