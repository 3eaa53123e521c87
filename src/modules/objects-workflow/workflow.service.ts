import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { Language } from '../../common/i18n/language.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import type { Actor } from './workflow-handler.js';
import { type ActionOutcome, type ActionRef, WorkflowEngine } from './workflow.engine.js';
import { effectiveMethods, methodItem, methodsInState } from './workflow.decision.js';
import { WorkflowRepository } from './workflow.repository.js';
import { numbersIn, projectFields } from '../../common/list-query/result-rows.js';
import { AccessService, objectNotFound, visible } from './access.service.js';

/** Id or code: digits are an id. */
export const ref = (value: string): ActionRef => (/^\d+$/.test(value) ? { id: value } : { code: value });

/** The catalogue reads of the workflow configuration, each with its own field list. */
const CATALOGUE = {
  essence: {
    fields: ['id', 'code', 'name', 'description'],
    sql: `SELECT id::int8 AS id, code, name->>$1 AS name, description FROM essence ORDER BY id`,
  },
  class: {
    fields: ['id', 'parent', 'essence', 'essencecode', 'level', 'code', 'label', 'abstract'],
    sql: `SELECT c.id, c.parent_id AS parent, c.essence_id AS essence, e.code AS essencecode, c.level, c.code, c.label->>$1 AS label, c.abstract
            FROM object_class c JOIN essence e ON e.id = c.essence_id ORDER BY c.level, c.id`,
  },
  type: {
    fields: ['id', 'class', 'classcode', 'code', 'name', 'description'],
    sql: `SELECT t.id, t.class_id AS class, c.code AS classcode, t.code, t.name->>$1 AS name, t.description
            FROM object_type t JOIN object_class c ON c.id = t.class_id ORDER BY t.class_id, t.id`,
  },
  stateType: {
    fields: ['id', 'code', 'name'],
    sql: `SELECT id, code, name->>$1 AS name FROM state_type ORDER BY id`,
  },
  state: {
    fields: ['id', 'class', 'classcode', 'type', 'typecode', 'code', 'label', 'sequence'],
    sql: `SELECT s.id, s.class_id AS class, c.code AS classcode, s.type_id AS type, st.code AS typecode, s.code, s.label->>$1 AS label, s.sequence
            FROM state s JOIN object_class c ON c.id = s.class_id JOIN state_type st ON st.id = s.type_id ORDER BY s.class_id, s.sequence`,
  },
  action: {
    fields: ['id', 'code', 'name'],
    sql: `SELECT id, code, name->>$1 AS name FROM action ORDER BY id`,
  },
  method: {
    fields: ['id', 'class', 'classcode', 'state', 'statecode', 'action', 'actioncode', 'code', 'label', 'sequence', 'visible'],
    sql: `SELECT m.id, m.class_id AS class, c.code AS classcode, m.state_id AS state, s.code AS statecode, m.action_id AS action, a.code AS actioncode,
                 m.code, m.label->>$1 AS label, m.sequence, m.visible
            FROM method m JOIN object_class c ON c.id = m.class_id JOIN action a ON a.id = m.action_id LEFT JOIN state s ON s.id = m.state_id
           ORDER BY m.class_id, m.sequence`,
  },
} as const;

export type CatalogueName = keyof typeof CATALOGUE;

const ID_KEYS = ['id', 'parent', 'essence', 'class', 'type', 'state', 'action', 'level', 'sequence'];

/** Reads of the configuration, action and method runs, object class/type/state, force delete. */
@Injectable()
export class WorkflowService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly uow: UnitOfWork,
    private readonly repo: WorkflowRepository,
    private readonly engine: WorkflowEngine,
    private readonly access: AccessService,
  ) {}

  /** 404 unless the object exists and the actor may select it (not telling hidden objects from missing ones). */
  async ensureVisible(id: string, actor: Actor): Promise<{ classId: string; stateId: string }> {
    const m = this.ds.manager;
    const [o] = await m.query<{ classId: string; stateId: string }[]>(
      `SELECT class_id AS "classId", state_id AS "stateId" FROM object WHERE id = $1`,
      [id],
    );
    if (!o) throw objectNotFound(id);
    const chain = (await this.repo.classChain(m, o.classId)).map((c) => c.id);
    if (!visible(await this.access.facts(m, actor, { chain, objectId: id }), chain)) throw objectNotFound(id);
    return o;
  }

  async catalogue(name: CatalogueName, lang: Language, fields?: string[]): Promise<Record<string, unknown>[]> {
    const spec = CATALOGUE[name];
    const rows = await this.ds.query<Record<string, unknown>[]>(spec.sql, [lang]);
    return projectFields(
      rows.map((r) => numbersIn(r, ID_KEYS)),
      fields,
      spec.fields,
    );
  }

  /** action/run: one request or an array of them, all in one transaction (one failure undoes them all). */
  runActions(requests: { id: string; action: string; form?: Record<string, unknown> }[], actor: Actor): Promise<ActionOutcome[]> {
    return this.uow.run(async () => {
      const out: ActionOutcome[] = [];
      for (const r of requests) out.push(await this.engine.executeAction(this.uow.manager, r.id, ref(r.action), r.form ?? {}, actor));
      return out;
    });
  }

  runMethod(r: { id: string; method: string; form?: Record<string, unknown> }, actor: Actor): Promise<ActionOutcome> {
    return this.uow.run(() => this.engine.executeMethod(this.uow.manager, r.id, ref(r.method), r.form ?? {}, actor));
  }

  forceDelete(id: string, actor: Actor): Promise<ActionOutcome> {
    return this.uow.run(() => this.engine.forceDelete(this.uow.manager, id, actor));
  }

  /**
   * method/get (seed 002 "Метод: Получить"): any one selector alone, or several. The class comes from
   * `class`, `classcode`, the object, or the state's own class; the state from `state`, `statecode` or the
   * object. With a state: the methods offered in it; with a class only: every method in force for the class.
   * `action`/`actioncode` narrow the list (no such method: an empty list).
   */
  async methodsFor(
    q: { object?: string; class?: string; state?: string; classcode?: string; statecode?: string; action?: string; actioncode?: string },
    lang: Language,
    actor: Actor,
  ) {
    const m = this.ds.manager;
    let classId = q.class;
    let stateId = q.state;
    if (q.object) {
      const o = await this.ensureVisible(q.object, actor);
      classId ??= o.classId;
      stateId ??= o.stateId;
    }
    if (!classId && q.classcode) {
      classId = (await this.repo.classByCode(m, q.classcode))?.id;
      if (!classId) throw new DomainError('NOT_FOUND', `Class "${q.classcode}" not found`);
    }
    if (!classId && !stateId && q.statecode) {
      const state = await this.repo.stateByCodeAnyClass(m, q.statecode);
      if (!state) throw new DomainError('NOT_FOUND', `State "${q.statecode}" not found`);
      [classId, stateId] = [state.classId, state.id];
    }
    if (!classId && stateId) {
      classId = await this.repo.stateClass(m, stateId);
      if (!classId) throw new DomainError('NOT_FOUND', `State ${stateId} not found`);
    }
    if (!classId) throw invalidField('class', 'one of object, class, state, classcode or statecode is required');
    const chain = (await this.repo.classChain(m, classId)).map((c) => c.id);
    if (chain.length === 0) throw new DomainError('NOT_FOUND', `Class ${classId} not found`);
    if (!stateId && q.statecode) {
      stateId = (await this.repo.stateByCode(m, chain, q.statecode))?.id;
      if (!stateId) throw new DomainError('NOT_FOUND', `State "${q.statecode}" not found`);
    }
    const rows = await this.repo.methods(m, chain);
    const methods = stateId ? methodsInState(rows, chain, stateId) : effectiveMethods(rows, chain);
    return methods
      .filter((x) => (q.action === undefined || x.actionId === q.action) && (q.actioncode === undefined || x.actionCode === q.actioncode))
      .map((x) => methodItem(x, lang));
  }

  /** object/class, object/type, object/state: the object's class, type or state row. */
  async objectPart(id: string, part: 'class' | 'type' | 'state', lang: Language, actor: Actor, fields?: string[]) {
    await this.ensureVisible(id, actor);
    const sql = {
      class: `SELECT c.id, c.parent_id AS parent, c.essence_id AS essence, e.code AS essencecode, c.level, c.code, c.label->>$2 AS label, c.abstract
                FROM object o JOIN object_class c ON c.id = o.class_id JOIN essence e ON e.id = c.essence_id WHERE o.id = $1`,
      type: `SELECT t.id, t.class_id AS class, c.code AS classcode, t.code, t.name->>$2 AS name, t.description
               FROM object o JOIN object_type t ON t.id = o.type_id JOIN object_class c ON c.id = t.class_id WHERE o.id = $1`,
      // As of the session's oper_date: the state of the interval in force then (none: the object did not exist yet).
      state: actor.operDate
        ? `SELECT s.id, s.class_id AS class, s.type_id AS type, st.code AS typecode, s.code, s.label->>$2 AS label
             FROM object_state os JOIN state s ON s.id = os.state_id JOIN state_type st ON st.id = s.type_id
            WHERE os.object_id = $1 AND os.valid_from <= $3::timestamptz AND os.valid_to > $3::timestamptz`
        : `SELECT s.id, s.class_id AS class, s.type_id AS type, st.code AS typecode, s.code, s.label->>$2 AS label
             FROM object o JOIN state s ON s.id = o.state_id JOIN state_type st ON st.id = s.type_id WHERE o.id = $1`,
    }[part];
    const params = part === 'state' && actor.operDate ? [id, lang, actor.operDate] : [id, lang];
    const [row] = await this.ds.query<Record<string, unknown>[]>(sql, params);
    if (!row) throw objectNotFound(id);
    return projectFields([numbersIn(row, ID_KEYS)], fields, Object.keys(row))[0];
  }
}
