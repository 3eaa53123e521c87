import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { parseListQuery } from '../../common/list-query/list-query.parser.js';
import { numbersIn, projectFields } from '../../common/list-query/result-rows.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AttachmentEvents } from './attachment-events.js';
import { AttachmentsRepository, DATA_COLUMNS } from './attachments.repository.js';
import type { DataItemDto } from './attachments.dto.js';
import { type AttachmentContext, ObjectAccessPort } from './object-access.port.js';

const DATA_NUMBERS = ['object', 'type'];

/** Why `data` is not of its type, or null when it is: json must parse, xml must be well-formed. */
export async function dataProblem(type: string, data: string): Promise<string | null> {
  if (type === 'json') {
    try {
      JSON.parse(data);
      return null;
    } catch {
      return 'is not valid JSON';
    }
  }
  if (type === 'xml') {
    const { XMLValidator } = await import('fast-xml-parser'); // loaded on the first XML item, not at start-up
    const result = XMLValidator.validate(data);
    return result === true
      ? null
      : `is not well-formed XML (line ${result.err.line}, column ${result.err.col}: ${result.err.msg})`.slice(0, 300);
  }
  return null;
}

/**
 * Seed 002 "Данные объекта": data of an object under (type, code), type text, json or xml. Set upserts; `data`
 * absent or null deletes. Every item is checked before anything is written.
 */
@Injectable()
export class DataService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: AttachmentsRepository,
    private readonly access: ObjectAccessPort,
    private readonly events: AttachmentEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** object/data: `data` absent or null reads, otherwise sets. */
  data(id: string, items: DataItemDto[] | null | undefined, ctx: AttachmentContext) {
    return items === undefined || items === null ? this.dataOf(id, ctx) : this.set(id, items, ctx);
  }

  async dataOf(id: string, ctx: AttachmentContext) {
    await this.access.require(id, ctx.actor, 's');
    return (await this.repo.dataOf(id)).map((r) => numbersIn(r, DATA_NUMBERS));
  }

  async set(id: string, items: DataItemDto[], ctx: AttachmentContext) {
    for (const [i, item] of items.entries()) {
      const problem = item.data === undefined || item.data === null ? null : await dataProblem(item.type, item.data);
      if (problem) throw invalidField(`data[${i}].data`, problem);
    }
    return this.uow.run(async () => {
      await this.access.require(id, ctx.actor, 'u');
      for (const item of items) {
        const type = (await this.repo.dataType({ code: item.type }))!;
        const remove = item.data === undefined || item.data === null;
        if (remove) {
          if (!(await this.repo.deleteData(id, type.id, item.code))) continue;
        } else {
          await this.repo.upsertData(id, type.id, item.code, item.data!, ctx.operDate);
        }
        await this.events.record(
          ctx,
          'ObjectDataChanged',
          { object: id, type: type.code, code: item.code, change: remove ? 'deleted' : 'set', actor: ctx.actor.userId },
          `data ${remove ? 'deleted' : 'set'}: object ${id}, ${type.code}`,
        );
      }
      return (await this.repo.dataOf(id)).map((r) => numbersIn(r, DATA_NUMBERS));
    });
  }

  /** data/get: one item by (type or typecode, code); 404 when there is none. */
  async get(q: { id: string; type?: string; typecode?: string; code: string; fields?: string[] }, ctx: AttachmentContext) {
    if (!q.type && !q.typecode) throw invalidField('type', 'give type (id) or typecode');
    if (q.fields?.length) projectFields([], q.fields, Object.keys(DATA_COLUMNS));
    await this.access.require(q.id, ctx.actor, 's');
    const type = await this.repo.dataType(q.type ? { id: q.type } : { code: q.typecode });
    const row = type ? await this.repo.dataItem(q.id, type.id, q.code) : undefined;
    if (!row) throw new DomainError('NOT_FOUND', { ru: `Данные объекта ${q.id} не найдены.`, en: `No such data of object ${q.id}.` });
    return projectFields([numbersIn(row, DATA_NUMBERS)], q.fields, Object.keys(DATA_COLUMNS))[0];
  }

  async list(body: unknown, ctx: AttachmentContext) {
    const q = parseListQuery(body, DATA_COLUMNS, this.config.list, { orderBy: ['object', 'type', 'code'] });
    const access = await this.access.visibleFilter(ctx.actor, 1);
    const rows = await this.repo.list(`object_data x JOIN object o ON o.id = x.object_id`, DATA_COLUMNS, q, access);
    return rows.map((r) => numbersIn(r, DATA_NUMBERS));
  }
}
