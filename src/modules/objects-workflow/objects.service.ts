import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { uniqueViolation } from '../../common/errors/unique-violation.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AccessService } from './access.service.js';
import { EssenceRepository } from './essence.repository.js';
import type { ClassRow, EssenceDefinition, EssenceSetBody, EssenceWrite } from './essences/essence-definition.js';
import { DOCUMENT_JOINS, documentColumns, objectColumns, ObjectReader, REFERENCE_JOINS, referenceColumns } from './object-reader.js';
import type { RequestContext } from './request-context.js';
import type { Actor } from './workflow-handler.js';
import { WorkflowEngine } from './workflow.engine.js';
import { WorkflowRepository } from './workflow.repository.js';

/**
 * The one objects service (design/objects-kernel.md section 1): `type | method | count | set | get | list` for any
 * essence definition, through the engine (create and edit methods, events, log, outbox), the access policy and
 * the reader. What differs between essences is in their definitions (essences/*.essence.ts).
 */
@Injectable()
export class ObjectsService {
  private readonly readers = new Map<string, ObjectReader>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: WorkflowRepository,
    private readonly rows: EssenceRepository,
    private readonly engine: WorkflowEngine,
    private readonly access: AccessService,
    private readonly modules: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The reader of an essence: its class table, its parent class table and the object, with their columns. */
  reader(def: EssenceDefinition): ObjectReader {
    let reader = this.readers.get(def.code);
    if (!reader) {
      const document = def.kind === 'document';
      reader = new ObjectReader(
        {
          classCode: def.code,
          tables: `${def.table} base ${document ? DOCUMENT_JOINS : REFERENCE_JOINS}`,
          columns: (lang, stateRef) => ({
            ...objectColumns(lang, stateRef),
            ...(document ? documentColumns() : referenceColumns()),
            ...def.columns(lang),
          }),
          documentAlias: document ? 'd' : null,
        },
        this.repo,
        this.access,
        this.config.list,
      );
      this.readers.set(def.code, reader);
    }
    return reader;
  }

  types(def: EssenceDefinition, fields: string[] | undefined, ctx: RequestContext) {
    return this.reader(def).types(this.uow.manager, fields, ctx.language);
  }

  methods(def: EssenceDefinition, id: string, ctx: RequestContext) {
    return this.reader(def).methods(this.uow.manager, id, ctx);
  }

  count(def: EssenceDefinition, body: unknown, ctx: RequestContext) {
    return this.reader(def).count(this.uow.manager, body, ctx);
  }

  get(def: EssenceDefinition, id: string, fields: string[] | undefined, ctx: RequestContext) {
    return this.reader(def).get(this.uow.manager, id, fields, ctx);
  }

  list(def: EssenceDefinition, body: unknown, ctx: RequestContext) {
    return this.reader(def).list(this.uow.manager, body, ctx);
  }

  /** `set`: no id creates, an id changes the given keys; answers what `get` answers, read in the same transaction. */
  async set<B extends EssenceSetBody>(def: EssenceDefinition<B>, body: B, ctx: RequestContext): Promise<Record<string, unknown>> {
    try {
      return await this.uow.run(async () => {
        const id = body.id ? await this.change(def, body.id, body, ctx.actor) : await this.create(def, body, ctx.actor);
        return this.reader(def).get(this.uow.manager, id, undefined, ctx);
      });
    } catch (err) {
      const detail = uniqueViolation(err)?.detail;
      const mapped = detail ? def.conflict?.(detail, body) : undefined;
      throw mapped ?? err;
    }
  }

  /**
   * Creates an object of the essence in the current unit of work (or its own) and answers its id. `fixed`
   * columns are written over the definition's row: what a caller inside the kernel decides (sign-up binds the
   * client document to the account it has just made).
   */
  create<B extends EssenceSetBody>(def: EssenceDefinition<B>, b: B, actor: Actor, fixed: ClassRow = {}): Promise<string> {
    return this.uow.run(async () => {
      const m = this.uow.manager;
      if (def.kind === 'reference' && !b.code) throw invalidField('code', `code is required for a new ${def.code}`);
      const { classId, method } = await this.engine.beginCreate(m, def.code, actor);
      const typeId = await this.typeId(classId, b.type ?? def.defaultType);
      const row = { ...(await def.row(this.write(b, true, actor, null, def))), ...fixed };
      if (b.parent) await this.requireParent(b.parent);
      const parentRow =
        def.kind === 'document'
          ? this.rows.insertPart('document', { area_id: actor.areaId, description: b.description ?? null })
          : this.rows.insertPart('reference', {
              class_id: classId,
              code: b.code,
              name: typeof b.name === 'string' ? b.name : null,
              description: b.description ?? null,
            });
      const object = {
        parentId: b.parent ?? null,
        typeId,
        classId,
        stateId: method.newStateId!,
        ownerId: actor.userId,
        label: def.label(b, row, true) ?? null,
        operDate: actor.operDate,
      };
      const id = await this.repo.insertObject(m, object, [parentRow, this.rows.insertPart(def.table, row)]);
      await this.engine.afterCreate(m, { ...object, id, essence: def.code }, method, { ...b } as Record<string, unknown>, actor);
      return id;
    });
  }

  /** Changes only the keys given, then runs the global `edit` method (access, events, log). */
  private async change<B extends EssenceSetBody>(def: EssenceDefinition<B>, id: string, b: B, actor: Actor): Promise<string> {
    const m = this.uow.manager;
    const object = await this.engine.beginChange(m, id, def.code, actor);
    const row = await def.row(this.write(b, false, actor, id, def));
    await this.rows.updateRow(def.table, id, row);
    if (def.kind === 'document') await this.rows.updateRow('document', id, { description: b.description });
    else
      await this.rows.updateRow('reference', id, {
        code: b.code,
        name: b.name === undefined ? undefined : typeof b.name === 'string' ? b.name : null,
        description: b.description,
      });
    if (b.type !== undefined) await this.rows.setType(id, await this.typeId(object.classId, b.type));
    if (b.parent !== undefined) {
      if (b.parent) await this.requireParent(b.parent);
      await this.rows.setParent(id, b.parent);
    }
    const label = def.label(b, row, false);
    if (label !== undefined) await this.repo.setLabel(m, id, label);
    await this.engine.executeAction(m, id, { code: 'edit' }, { ...b } as Record<string, unknown>, actor);
    return id;
  }

  private write<B extends EssenceSetBody>(
    body: B,
    create: boolean,
    actor: Actor,
    id: string | null,
    def: EssenceDefinition<B>,
  ): EssenceWrite<B> {
    return {
      body,
      create,
      actor,
      id,
      current: async () => (id === null ? undefined : this.rows.row(def.table, id)),
      get: (service) => this.modules.get(service, { strict: false }),
    };
  }

  private async typeId(classId: string, code: string): Promise<string> {
    const row = await this.repo.typeByCode(this.uow.manager, classId, code);
    if (!row) throw invalidField('type', `unknown type "${code}"`);
    return row.id;
  }

  private async requireParent(parent: string): Promise<void> {
    if (!(await this.rows.objectExists(parent))) throw invalidField('parent', `object ${parent} does not exist`);
  }
}
