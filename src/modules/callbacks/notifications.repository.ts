import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { compileListQuery, compileWhere } from '../../common/list-query/list-query.compiler.js';
import type { ColumnMap, ListQuery } from '../../common/list-query/list-query.types.js';
import type { PortalEventType } from './entities/portal-notification.entity.js';

/** A user's notifications as the list language sees them (`r` is the user's copy, `n` the event). */
export const NOTIFICATION_COLUMNS: ColumnMap = {
  id: { sql: 'n.id', type: 'integer' },
  type: { sql: 'n.type', type: 'text' },
  title: { sql: 'n.title', type: 'text' },
  message: { sql: 'n.message', type: 'text' },
  data: { sql: 'n.data', type: 'json', sortable: false },
  source_id: { sql: 'n.source_id', type: 'text' },
  created: { sql: 'n.created', type: 'timestamp' },
  read: { sql: 'r.read', type: 'timestamp' },
};

/** A stored notification: what a retry of its push publishes (the first delivery's words). */
export interface StoredNotification {
  id: string;
  title: string;
  message: string;
  data: Record<string, unknown>;
}

/** Every statement on `portal_notification` and `portal_notification_user`, in the ambient unit of work. */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get m() {
    return this.uow.manager;
  }

  /**
   * The notification of (sourceId, type): stored now, or the one a previous delivery stored. A concurrent
   * first delivery makes the insert wait for its commit and do nothing; the select then sees its row.
   */
  async findOrInsert(n: {
    sourceId: string;
    type: PortalEventType;
    title: string;
    message: string;
    data: unknown;
  }): Promise<StoredNotification> {
    const [inserted] = await this.m.query<StoredNotification[]>(
      `INSERT INTO portal_notification (source_id, type, title, message, data) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (source_id, type) DO NOTHING RETURNING id, title, message, data`,
      [n.sourceId, n.type, n.title, n.message, JSON.stringify(n.data)],
    );
    if (inserted) return inserted;
    const [existing] = await this.m.query<StoredNotification[]>(
      `SELECT id, title, message, data FROM portal_notification WHERE source_id = $1 AND type = $2`,
      [n.sourceId, n.type],
    );
    return existing;
  }

  /** Addresses the notification to these users; answers those it had not reached before. */
  async addRecipients(notificationId: string, userIds: string[]): Promise<string[]> {
    const rows = await this.m.query<{ userId: string }[]>(
      `INSERT INTO portal_notification_user (notification_id, user_id) SELECT $1, u FROM unnest($2::bigint[]) AS u
       ON CONFLICT DO NOTHING RETURNING user_id AS "userId"`,
      [notificationId, userIds],
    );
    return rows.map((r) => r.userId);
  }

  /** The user's notifications by the list language, newest first unless ordered otherwise. */
  async list(userId: string, q: ListQuery): Promise<Record<string, unknown>[]> {
    const c = compileListQuery(q, NOTIFICATION_COLUMNS, { paramStart: 2 });
    return this.m.query(
      `SELECT ${c.select} FROM portal_notification_user r JOIN portal_notification n ON n.id = r.notification_id
        WHERE r.user_id = $1 ${c.where ? `AND (${c.where})` : ''} ORDER BY ${c.orderBy ?? 'n.id DESC'}
        LIMIT ${c.limit} OFFSET ${c.offset}`,
      [userId, ...c.params],
    );
  }

  async count(userId: string, q: ListQuery): Promise<number> {
    const c = compileWhere(q, NOTIFICATION_COLUMNS, { paramStart: 2 });
    const [row] = await this.m.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM portal_notification_user r JOIN portal_notification n ON n.id = r.notification_id
        WHERE r.user_id = $1 ${c.where ? `AND (${c.where})` : ''}`,
      [userId, ...c.params],
    );
    return row.n;
  }

  /** Marks the user's own notifications with these ids read (or unread); answers how many changed. */
  async setRead(userId: string, ids: string[], read: boolean): Promise<number> {
    const [, affected] = await this.m.query<[unknown[], number]>(
      `UPDATE portal_notification_user SET read = CASE WHEN $3 THEN coalesce(read, now()) END
        WHERE user_id = $1 AND notification_id = ANY($2::bigint[]) AND (read IS NULL) = $3`,
      [userId, ids, read],
    );
    return affected;
  }
}
