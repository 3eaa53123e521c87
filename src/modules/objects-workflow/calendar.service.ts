import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { uniqueViolation } from '../../common/errors/unique-violation.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { Language } from '../../common/i18n/language.js';
import type { ColumnMap } from '../../common/list-query/list-query.types.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AccessService } from './access.service.js';
import type { CalendarSetDto } from './essence.dto.js';
import { objectColumns, ObjectReader, REFERENCE_JOINS, referenceColumns } from './object-reader.js';
import type { Actor } from './workflow-handler.js';
import { WorkflowEngine } from './workflow.engine.js';
import { WorkflowRepository } from './workflow.repository.js';

const calendarColumns = (lang: Language): ColumnMap => ({
  ...objectColumns(lang),
  ...referenceColumns(),
  workdays: { sql: 'to_jsonb(base.work_days)', type: 'json', sortable: false },
  workhours: { sql: 'base.work_hours', type: 'text' },
});

/** The working-day calendar reference: set, get, list, count, type, method. */
@Injectable()
export class CalendarService {
  readonly reader: ObjectReader;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: WorkflowRepository,
    private readonly engine: WorkflowEngine,
    private readonly access: AccessService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.reader = new ObjectReader(
      { classCode: 'calendar', tables: `calendar base ${REFERENCE_JOINS}`, columns: calendarColumns, documentAlias: null },
      repo,
      access,
      config.list,
    );
  }

  async set(body: CalendarSetDto, actor: Actor, lang: Language): Promise<Record<string, unknown>> {
    try {
      const id = await this.ds.transaction((m) => (body.id ? this.change(m, body.id, body, actor) : this.create(m, body, actor)));
      return await this.reader.get(this.ds.manager, id, undefined, actor, lang);
    } catch (err) {
      if (uniqueViolation(err)) {
        throw new DomainError('BAD_REQUEST', {
          ru: `Календарь с кодом "${body.code}" уже существует.`,
          en: `A calendar with code "${body.code}" already exists.`,
        });
      }
      throw err;
    }
  }

  private async create(m: EntityManager, b: CalendarSetDto, actor: Actor): Promise<string> {
    if (!b.code) throw invalidField('code', 'code is required for a new calendar');
    const { classId, method } = await this.engine.beginCreate(m, 'calendar', actor);
    const type = await this.repo.typeByCode(m, classId, b.type ?? 'workday');
    if (!type) throw invalidField('type', `unknown type "${b.type}"`);
    const id = await this.repo.insertObject(m, {
      parentId: b.parent ?? null,
      typeId: type.id,
      classId,
      stateId: method.newStateId!,
      ownerId: actor.userId,
      label: b.name ?? b.code,
    });
    await m.query(`INSERT INTO reference (id, class_id, code, name, description) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      classId,
      b.code,
      b.name ?? null,
      b.description ?? null,
    ]);
    await m.query(
      `INSERT INTO calendar (id, work_days, work_hours) VALUES ($1, coalesce($2::smallint[], '{1,2,3,4,5}'), coalesce($3, '09:00-18:00'))`,
      [id, b.workdays ?? null, b.workhours ?? null],
    );
    await this.engine.afterCreate(m, id, method, { ...b }, actor);
    return id;
  }

  private async change(m: EntityManager, id: string, b: CalendarSetDto, actor: Actor): Promise<string> {
    await this.engine.beginChange(m, id, 'calendar', actor);
    await m.query(
      `UPDATE reference SET code = coalesce($2, code), name = CASE WHEN $3::boolean THEN $4 ELSE name END, description = CASE WHEN $5::boolean THEN $6 ELSE description END WHERE id = $1`,
      [id, b.code ?? null, b.name !== undefined, b.name ?? null, b.description !== undefined, b.description ?? null],
    );
    await m.query(
      `UPDATE calendar SET work_days = coalesce($2::smallint[], work_days), work_hours = coalesce($3, work_hours) WHERE id = $1`,
      [id, b.workdays ?? null, b.workhours ?? null],
    );
    if (b.name !== undefined) await this.repo.setLabel(m, id, b.name ?? b.code ?? null);
    await this.engine.executeAction(m, id, { code: 'edit' }, { ...b }, actor);
    return id;
  }
}
