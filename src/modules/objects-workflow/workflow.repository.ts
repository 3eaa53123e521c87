import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { TtlCache } from '../../common/cache/ttl-cache.js';
import { prepared } from '../../common/database/prepared-statements.js';
import { type StatementPart, StatementParams } from '../../common/database/statement-parts.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import type { EventRow, MethodRow } from './workflow.decision.js';

export interface LockedObject {
  id: string;
  parentId: string | null;
  classId: string;
  typeId: string;
  stateId: string;
  ownerId: string | null;
  essence: string;
}

export interface ClassLink {
  id: string;
  code: string;
  essence: string;
  abstract: boolean;
}

const LOCK_OBJECT = prepared(
  `SELECT o.id, o.parent_id AS "parentId", o.class_id AS "classId", o.type_id AS "typeId", o.state_id AS "stateId",
          o.owner_id AS "ownerId", e.code AS essence
     FROM object o JOIN object_class c ON c.id = o.class_id JOIN essence e ON e.id = c.essence_id
    WHERE o.id = $1 FOR UPDATE OF o`,
);

/** An INSERT of one of a new object's class table rows, written with `params`; `id` is the SQL of the new object's id. */
export type ObjectRowPart = (params: StatementParams, id: string) => string;

/**
 * What an action writes to the object: a transition (its new state) or a touch (null: who changed it, when), by
 * whom and as of when; `touch: false` leaves the object as it is (a creation: its insert wrote all of that).
 */
export interface ObjectChange {
  objectId: string;
  newStateId: string | null;
  touch?: boolean;
  operId: string | null;
  /** The operational date it is made under; null: now. */
  operDate: Date | null;
}

/**
 * Every query of the workflow engine and its configuration reads. The configuration (class chains, methods,
 * event bindings) is read outside the caller's transaction and reused for WORKFLOW_CACHE_SECONDS: it changes
 * rarely, and an action would otherwise spend three of its round trips on it.
 */
@Injectable()
export class WorkflowRepository {
  private readonly config: TtlCache<unknown>;

  constructor(
    @InjectDataSource() readonly ds: DataSource,
    @Inject(APP_CONFIG) appConfig: AppConfig,
  ) {
    this.config = new TtlCache(appConfig.workflow.cacheSeconds * 1000);
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.config.get(key, load) as Promise<T>;
  }

  /** The object, row-locked for the rest of the transaction (concurrent actions on it queue here). */
  async lockObject(m: EntityManager, id: string): Promise<LockedObject | undefined> {
    const [row] = await m.query<LockedObject[]>(LOCK_OBJECT, [id]);
    return row;
  }

  /** The class and its ancestors, the class first. */
  classChain(m: EntityManager, classId: string): Promise<ClassLink[]> {
    return this.cached(`chain:${classId}`, () =>
      m.query<ClassLink[]>(
        `WITH RECURSIVE chain AS (
         SELECT id, parent_id, code, essence_id, abstract, 0 AS depth FROM object_class WHERE id = $1
         UNION ALL
         SELECT p.id, p.parent_id, p.code, p.essence_id, p.abstract, chain.depth + 1 FROM object_class p JOIN chain ON p.id = chain.parent_id)
       SELECT chain.id, chain.code, e.code AS essence, chain.abstract FROM chain JOIN essence e ON e.id = chain.essence_id ORDER BY depth`,
        [classId],
      ),
    );
  }

  classByCode(m: EntityManager, code: string): Promise<{ id: string } | undefined> {
    return this.cached(
      `class:${code}`,
      async () => (await m.query<{ id: string }[]>(`SELECT id FROM object_class WHERE code = $1`, [code]))[0],
    );
  }

  /** Methods (with action and transition) of the given classes. */
  methods(m: EntityManager, classIds: string[]): Promise<MethodRow[]> {
    return this.cached(`methods:${classIds.join(',')}`, () =>
      m.query<MethodRow[]>(
        `SELECT md.id, md.class_id AS "classId", md.state_id AS "stateId", md.action_id AS "actionId", a.code AS "actionCode", md.code,
              md.label, md.visible, md.sequence, t.new_state_id AS "newStateId"
         FROM method md JOIN action a ON a.id = md.action_id LEFT JOIN transition t ON t.method_id = md.id
        WHERE md.class_id = ANY($1::bigint[])`,
        [classIds],
      ),
    );
  }

  events(m: EntityManager, classIds: string[], actionId: string): Promise<EventRow[]> {
    return this.cached(`events:${classIds.join(',')}:${actionId}`, () =>
      m.query<EventRow[]>(
        `SELECT class_id AS "classId", action_id AS "actionId", kind, handler, sequence, enabled
           FROM workflow_event WHERE class_id = ANY($1::bigint[]) AND action_id = $2`,
        [classIds, actionId],
      ),
    );
  }

  typeByCode(m: EntityManager, classId: string, code: string): Promise<{ id: string } | undefined> {
    return this.cached(
      `type:${classId}:${code}`,
      async () => (await m.query<{ id: string }[]>(`SELECT id FROM object_type WHERE class_id = $1 AND code = $2`, [classId, code]))[0],
    );
  }

  /** A state by code, looked up the class chain (the deepest definition wins). */
  async stateByCode(m: EntityManager, classIds: string[], code: string): Promise<{ id: string } | undefined> {
    const [row] = await m.query<{ id: string }[]>(
      `SELECT id FROM state WHERE class_id = ANY($1::bigint[]) AND code = $2 ORDER BY array_position($1::bigint[], class_id) LIMIT 1`,
      [classIds, code],
    );
    return row;
  }

  /** The class a state belongs to. */
  async stateClass(m: EntityManager, stateId: string): Promise<string | undefined> {
    const [row] = await m.query<{ classId: string }[]>(`SELECT class_id AS "classId" FROM state WHERE id = $1`, [stateId]);
    return row?.classId;
  }

  /** The state of that code nearest the root of the class tree (where the default lifecycle lives). */
  async stateByCodeAnyClass(m: EntityManager, code: string): Promise<{ id: string; classId: string } | undefined> {
    const [row] = await m.query<{ id: string; classId: string }[]>(
      `SELECT s.id, s.class_id AS "classId" FROM state s JOIN object_class c ON c.id = s.class_id WHERE s.code = $1 ORDER BY c.level, s.id LIMIT 1`,
      [code],
    );
    return row;
  }

  /**
   * An action's writes in one statement (one round trip, taken after the row lock): the transition with its
   * temporal history, or the touch; then the parts of the other owners (the event log's entry, the outbox's
   * row). A transition closes the open history interval and opens the next at the same instant: the INSERT
   * reads the closed interval's end, so PostgreSQL runs the UPDATE first, and the exclusion constraint no longer
   * sees the closed interval's old version (ours, deleted). The instant stays in the database (a JS Date would
   * cut it to milliseconds and overlap the intervals). Under an operational date the instant is that date (never
   * before the open interval's start: history stays ordered), and the object's `oper_date` is it too.
   */
  async applyChange(m: EntityManager, change: ObjectChange, parts: readonly StatementPart[]): Promise<void> {
    const p = new StatementParams();
    const writes: string[] = [];
    if (change.newStateId || change.touch !== false) {
      const id = p.add(change.objectId, 'bigint');
      const oper = p.add(change.operId, 'bigint');
      const at = p.add(change.operDate, 'timestamptz');
      if (change.newStateId) {
        const state = p.add(change.newStateId, 'bigint');
        writes.push(
          `closed AS (UPDATE object_state SET valid_to = greatest(coalesce(${at}, clock_timestamp()), valid_from)
                       WHERE object_id = ${id} AND valid_to = 'infinity' RETURNING valid_to)`,
          `opened AS (INSERT INTO object_state (object_id, state_id, valid_from)
                      SELECT ${id}, ${state}, coalesce((SELECT max(valid_to) FROM closed), (SELECT max(valid_to) FROM object_state WHERE object_id = ${id}),
                                                       ${at}, clock_timestamp()))`,
          `changed AS (UPDATE object SET state_id = ${state}, updated = now(), oper_id = ${oper}, oper_date = coalesce(${at}, now()) WHERE id = ${id})`,
        );
      } else {
        writes.push(
          `changed AS (UPDATE object SET updated = now(), oper_id = ${oper}, oper_date = coalesce(${at}, now()) WHERE id = ${id})`,
        );
      }
    }
    parts.forEach((part, i) => writes.push(`part${i} AS (${part(p)})`));
    if (writes.length === 0) return;
    await m.query(prepared(`WITH ${writes.join(',\n')}\nSELECT 1`), p.values);
  }

  /**
   * Drop: the object and everything hanging from it (history, class rows, access rows) go by cascade; the log
   * keeps its entries without the object. With the other owners' parts (the drop's own log entry and outbox
   * row), in one statement.
   */
  async deleteObject(m: EntityManager, objectId: string, parts: readonly StatementPart[] = []): Promise<void> {
    const p = new StatementParams();
    const id = p.add(objectId, 'bigint');
    const writes = [
      `unlinked AS (UPDATE event_log SET object_id = NULL WHERE object_id = ${id})`,
      ...parts.map((part, i) => `part${i} AS (${part(p)})`),
    ];
    // event_log.object_id has no foreign key (the log outlives objects), so the order within the statement is free.
    await m.query(prepared(`WITH ${writes.join(',\n')}\nDELETE FROM object WHERE id = ${id}`), p.values);
  }

  /**
   * Inserts an object in its first state with its history's first interval and the owner's access row, and the
   * rows of its class tables (`rows`, each given the new id's SQL), in one statement; answers the object.
   */
  async insertObject(
    m: EntityManager,
    o: {
      parentId: string | null;
      typeId: string;
      classId: string;
      stateId: string;
      ownerId: string | null;
      label: string | null;
      /** The operational date it is created under (its history starts then); null: now. */
      operDate?: Date | null;
    },
    rows: readonly ObjectRowPart[] = [],
  ): Promise<string> {
    const p = new StatementParams();
    const [state, owner, at] = [p.add(o.stateId, 'bigint'), p.add(o.ownerId, 'bigint'), p.add(o.operDate ?? null, 'timestamptz')];
    const writes = [
      `o AS (INSERT INTO object (parent_id, type_id, class_id, state_id, owner_id, oper_id, label, oper_date)
             VALUES (${p.add(o.parentId, 'bigint')}, ${p.add(o.typeId, 'bigint')}, ${p.add(o.classId, 'bigint')}, ${state}, ${owner}, ${owner},
                     ${p.add(o.label, 'text')}, coalesce(${at}, now())) RETURNING id)`,
      `s AS (INSERT INTO object_state (object_id, state_id, valid_from) SELECT id, ${state}, coalesce(${at}, clock_timestamp()) FROM o)`,
      `a AS (INSERT INTO acl_object (object_id, user_id, allow) SELECT id, ${owner}, 'sud' FROM o WHERE ${owner} IS NOT NULL)`,
      ...rows.map((row, i) => `r${i} AS (${row(p, '(SELECT id FROM o)')})`),
    ];
    const [row] = await m.query<{ id: string }[]>(`WITH ${writes.join(',\n')}\nSELECT id FROM o`, p.values);
    return row.id;
  }

  async setLabel(m: EntityManager, objectId: string, label: string | null): Promise<void> {
    await m.query(`UPDATE object SET label = $2 WHERE id = $1`, [objectId, label]);
  }

  /** Ensures a handler's binding row (and a `parent` entry first, so ancestors' handlers keep running). */
  async bindHandler(classCode: string, actionCode: string, handler: string, sequence: number): Promise<boolean> {
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('workflow_event'))`);
      const [target] = await m.query<{ classId: string; actionId: string }[]>(
        `SELECT c.id AS "classId", a.id AS "actionId" FROM object_class c, action a WHERE c.code = $1 AND a.code = $2`,
        [classCode, actionCode],
      );
      if (!target) return false;
      const existing = await m.query<{ handler: string | null }[]>(
        `SELECT handler FROM workflow_event WHERE class_id = $1 AND action_id = $2`,
        [target.classId, target.actionId],
      );
      if (existing.some((e) => e.handler === handler)) return true;
      if (existing.length === 0) {
        await m.query(`INSERT INTO workflow_event (class_id, action_id, kind, sequence) VALUES ($1, $2, 'parent', 0)`, [
          target.classId,
          target.actionId,
        ]);
      }
      await m.query(`INSERT INTO workflow_event (class_id, action_id, kind, handler, sequence) VALUES ($1, $2, 'handler', $3, $4)`, [
        target.classId,
        target.actionId,
        handler,
        sequence,
      ]);
      this.config.clear();
      return true;
    });
  }
}
