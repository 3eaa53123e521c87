import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** M: message, W: warning, E: error (seed 002's event log types). */
export type EventLogType = 'M' | 'W' | 'E';

/** The event log shared by every module: sign-ins and lockouts now, object actions later. */
@Entity({ name: 'event_log' })
@Check('ck_event_log_type', "type IN ('M', 'W', 'E')")
@Index('ix_event_log_datetime', ['datetime'])
@Index('ix_event_log_user', ['userId', 'datetime'])
export class EventLogEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @CreateDateColumn({ type: 'timestamptz' })
  datetime: Date;

  @Column({ type: 'char', length: 1 })
  type: EventLogType;

  @Column({ type: 'integer' })
  code: number;

  @Column({ type: 'varchar', length: 30 })
  category: string;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'bigint', nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  session: string | null;

  @Column({ type: 'bigint', nullable: true })
  objectId: string | null;
}
