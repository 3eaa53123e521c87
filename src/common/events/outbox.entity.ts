import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The transactional outbox: domain events written in the transaction of the work that raised them. A
 * dispatcher hands each new row to its subscribers' queues (outbox_delivery) and marks it `processed_at`.
 * `event_id` is the idempotency key handlers see.
 */
@Entity({ name: 'outbox' })
@Index('ix_outbox_pending', ['id'], { where: 'processed_at IS NULL AND dead_at IS NULL' })
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

  /** When the row was handed to its subscribers' queues. */
  @Column({ type: 'timestamptz', nullable: true })
  processedAt: Date | null;

  /** Dead-lettered by the dispatcher before per-subscriber deliveries (kept for the operator; never handed on). */
  @Column({ type: 'timestamptz', nullable: true })
  deadAt: Date | null;
}

/**
 * One subscriber's delivery of one event: its own queue, lease, retries and dead letter, so that a slow or
 * failing subscriber holds up nobody else.
 */
@Entity({ name: 'outbox_delivery' })
@Index('ix_outbox_delivery_due', ['subscriber', 'outboxId'], { where: 'delivered_at IS NULL AND dead_at IS NULL' })
export class OutboxDelivery {
  @PrimaryColumn({ type: 'uuid' })
  eventId: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  subscriber: string;

  /** The outbox row (its order is the delivery order). */
  @Column({ type: 'bigint' })
  outboxId: string;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  availableAt: Date;

  /** Claimed by a dispatcher until then; past it, another may claim the delivery again. */
  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  /** Set after OUTBOX_MAX_ATTEMPTS failures: this subscriber's delivery is dead-lettered for an operator. */
  @Column({ type: 'timestamptz', nullable: true })
  deadAt: Date | null;
}
