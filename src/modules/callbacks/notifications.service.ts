import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { OutboxService } from '../../common/events/outbox.service.js';
import { parseCountQuery, parseListQuery } from '../../common/list-query/list-query.parser.js';
import { numbersIn } from '../../common/list-query/result-rows.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import type { PushEventDto } from './callbacks.dto.js';
import { NOTIFICATION_COLUMNS, NotificationsRepository } from './notifications.repository.js';
import { PortalPersonsRepository } from './portal-persons.repository.js';

/**
 * The portal's push events and the users' notifications. A push is stored once per (data.id, type) and
 * addressed to each known user once; what is new in a delivery is published through the outbox
 * (PortalNotificationReceived) in the same transaction, so a retry neither duplicates nor re-publishes.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly persons: PortalPersonsRepository,
    private readonly outbox: OutboxService,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Stores a push; answers the portal ids it does not know (reported, not an error). */
  async receive(dto: PushEventDto): Promise<{ unknownUsers: string[] }> {
    const portalIds = [...new Set(dto.users.map((u) => u.trim()))];
    const sourceId = String(dto.data.id).trim();
    return this.uow.run(async () => {
      const known = await this.persons.usersByPortalIds(portalIds);
      const knownIds = new Set(known.map((k) => k.idPhperson));
      const unknownUsers = portalIds.filter((id) => !knownIds.has(id));
      const stored = await this.notifications.findOrInsert({
        sourceId,
        type: dto.type,
        title: dto.title,
        message: dto.message,
        data: dto.data,
      });
      const users = known.length > 0 ? await this.notifications.addRecipients(stored.id, [...new Set(known.map((k) => k.userId))]) : [];
      if (users.length > 0) {
        await this.outbox.record(this.uow.manager, 'PortalNotificationReceived', {
          notification: stored.id,
          sourceId,
          type: dto.type,
          title: stored.title,
          message: stored.message,
          data: stored.data,
          users,
        });
      }
      return { unknownUsers };
    });
  }

  async list(userId: string, body: unknown): Promise<Record<string, unknown>[]> {
    const rows = await this.notifications.list(userId, parseListQuery(body, NOTIFICATION_COLUMNS, this.config.list));
    return rows.map((r) => numbersIn(r, ['id']));
  }

  async count(userId: string, body: unknown): Promise<{ count: number }> {
    return { count: await this.notifications.count(userId, parseCountQuery(body, NOTIFICATION_COLUMNS, this.config.list)) };
  }

  async setRead(userId: string, ids: string[], read: boolean): Promise<{ updated: number }> {
    return { updated: await this.notifications.setRead(userId, [...new Set(ids)], read) };
  }
}
