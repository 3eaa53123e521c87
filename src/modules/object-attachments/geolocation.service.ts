import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { parseListQuery } from '../../common/list-query/list-query.parser.js';
import { numbersIn, projectFields } from '../../common/list-query/result-rows.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AttachmentEvents } from './attachment-events.js';
import { AttachmentsRepository, GEOLOCATION_COLUMNS } from './attachments.repository.js';
import type { CoordinateDto } from './attachments.dto.js';
import { type AttachmentContext, ObjectAccessPort } from './object-access.port.js';

const POINT_NUMBERS = ['id', 'object'];

/**
 * Seed 002 "Геолокация объекта": a history of points per (object, code). Set appends, dated with the session's
 * oper_date (or now); get answers, per code, the latest point at or before the session's oper_date (or now);
 * list is the whole history in the list language.
 */
@Injectable()
export class GeolocationService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: AttachmentsRepository,
    private readonly access: ObjectAccessPort,
    private readonly events: AttachmentEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** object/geolocation: `coordinates` absent or null reads, otherwise adds. */
  geolocation(id: string, coordinates: CoordinateDto[] | null | undefined, ctx: AttachmentContext) {
    return coordinates === undefined || coordinates === null ? this.get(id, undefined, ctx) : this.set(id, coordinates, ctx);
  }

  /** Answers the points added. */
  set(id: string, coordinates: CoordinateDto[], ctx: AttachmentContext) {
    return this.uow.run(async () => {
      await this.access.require(id, ctx.actor, 'u');
      const points = coordinates.map((c) => ({
        code: c.code ?? 'default',
        latitude: c.latitude,
        longitude: c.longitude,
        accuracy: c.accuracy ?? null,
        label: c.label ?? null,
        description: c.description ?? null,
      }));
      const rows = await this.repo.addPoints(id, points, ctx.operDate);
      for (const row of rows) {
        await this.events.record(
          ctx,
          'ObjectGeolocationAdded',
          {
            object: id,
            id: String(row.id),
            code: String(row.code),
            latitude: Number(row.latitude),
            longitude: Number(row.longitude),
            date: (row.date as Date).toISOString(),
            actor: ctx.actor.userId,
          },
          `geolocation added: object ${id}, ${String(row.code)}`,
        );
      }
      return rows.map((r) => numbersIn(r, POINT_NUMBERS));
    });
  }

  async get(id: string, fields: string[] | undefined, ctx: AttachmentContext) {
    if (fields?.length) projectFields([], fields, Object.keys(GEOLOCATION_COLUMNS));
    await this.access.require(id, ctx.actor, 's');
    const rows = (await this.repo.latestPoints(id, ctx.operDate)).map((r) => numbersIn(r, POINT_NUMBERS));
    return projectFields(rows, fields, Object.keys(GEOLOCATION_COLUMNS));
  }

  async list(body: unknown, ctx: AttachmentContext) {
    const q = parseListQuery(body, GEOLOCATION_COLUMNS, this.config.list, { orderBy: ['object', 'code', 'date', 'id'] });
    const access = await this.access.visibleFilter(ctx.actor, 1);
    const rows = await this.repo.list(`object_geolocation g JOIN object o ON o.id = g.object_id`, GEOLOCATION_COLUMNS, q, access);
    return rows.map((r) => numbersIn(r, POINT_NUMBERS));
  }
}
