import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { User } from '../../auth/entities/user.entity.js';

/** The kinds of event the portal pushes (seed 001 "Уведомления о событиях"). */
export const PORTAL_EVENT_TYPES = ['push', 'kip_new', 'kip_comment', 'kip_update'] as const;
export type PortalEventType = (typeof PORTAL_EVENT_TYPES)[number];

/**
 * One event the portal pushed: kept once per (`data.id`, `type`), so the portal's retries do not duplicate it.
 * `data` is the portal's object as sent.
 */
@Entity({ name: 'portal_notification' })
@Unique('uq_portal_notification_source', ['sourceId', 'type'])
@Check('ck_portal_notification_type', "type IN ('push', 'kip_new', 'kip_comment', 'kip_update')")
export class PortalNotification {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** `data.id` of the push. */
  @Column({ type: 'varchar', length: 100 })
  sourceId: string;

  @Column({ type: 'varchar', length: 20 })
  type: PortalEventType;

  @Column({ type: 'varchar', length: 500 })
  title: string;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}

/** A notification as one user has it: theirs to read and mark read. */
@Entity({ name: 'portal_notification_user' })
@Index('ix_portal_notification_user', ['userId', 'notificationId'])
export class PortalNotificationRecipient {
  @PrimaryColumn({ type: 'bigint' })
  notificationId: string;

  @ManyToOne(() => PortalNotification, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'notification_id' })
  notification?: Relation<PortalNotification>;

  @PrimaryColumn({ type: 'bigint' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  /** When the user marked it read; null: unread. */
  @Column({ type: 'timestamptz', nullable: true })
  read: Date | null;
}
