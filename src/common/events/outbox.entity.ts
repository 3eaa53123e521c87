import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The transactional outbox: domain events written in the transaction of the work that raised them, delivered
 * after commit by the dispatcher of any instance. `event_id` is the idempotency key handlers see.
 */
@Entity({ name: 'outbox' })
@Index('ix_outbox_pending', ['availableAt'], { where: 'processed_at IS NULL AND dead_at IS NULL' })
export class OutboxMessage {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid', unique: true })
  eventId: string;

  @Column({ type: 'varchar', length: 100 })
  type: string;

  @Column({ type: 'jsonb' })
  payload: unknown;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  availableAt: Date;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  processedAt: Date | null;

  /** Set after OUTBOX_MAX_ATTEMPTS failures: the message is dead-lettered and left for an operator. */
  @Column({ type: 'timestamptz', nullable: true })
  deadAt: Date | null;
}

/** Which subscriber has handled which event: a redelivered event skips the subscribers already done. */
@Entity({ name: 'outbox_delivery' })
export class OutboxDelivery {
  @PrimaryColumn({ type: 'uuid' })
  eventId: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  subscriber: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  delivered: Date;
}
