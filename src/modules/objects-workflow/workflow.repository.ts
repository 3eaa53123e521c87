import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { TtlCache } from '../../common/cache/ttl-cache.js';
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
    const [row] = await m.query<LockedObject[]>(
      `SELECT o.id, o.parent_id AS "parentId", o.class_id AS "classId", o.type_id AS "typeId", o.state_id AS "stateId",
              o.owner_id AS "ownerId", e.code AS essence
         FROM object o JOIN object_class c ON c.id = o.class_id JOIN essence e ON e.id = c.essence_id
        WHERE o.id = $1 FOR UPDATE OF o`,
      [id],
    );
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

  async typeByCode(m: EntityManager, classId: string, code: string): Promise<{ id: string } | undefined> {
    const [row] = await m.query<{ id: string }[]>(`SELECT id FROM object_type WHERE class_id = $1 AND code = $2`, [classId, code]);
    return row;
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
   * Moves the object to `stateId`: closes the open history interval and opens a new one at the same
   * instant (taken after the row lock, so intervals follow each other without gaps or overlaps). Under an
   * operational date the instant is that date (never before the open interval's start: history stays ordered),
   * and the object's `oper_date` is it too.
   */
  async changeState(
    m: EntityManager,
    objectId: string,
    stateId: string,
    operId: string | null,
    operDate: Date | null = null,
  ): Promise<void> {
    // Two statements: within one, the new row would be checked against the old version of the closed one.
    // The instant stays in the database (a JS Date would cut it to milliseconds and overlap the intervals).
    await m.query(
      `UPDATE object_state SET valid_to = greatest(coalesce($2::timestamptz, clock_timestamp()), valid_from) WHERE object_id = $1 AND valid_to = 'infinity'`,
      [objectId, operDate],
    );
    await m.query(
      `INSERT INTO object_state (object_id, state_id, valid_from)
       SELECT $1, $2, coalesce((SELECT max(valid_to) FROM object_state WHERE object_id = $1), $3::timestamptz, clock_timestamp())`,
      [objectId, stateId, operDate],
    );
    await m.query(
      `UPDATE object SET state_id = $2, updated = now(), oper_id = $3, oper_date = coalesce($4::timestamptz, now()) WHERE id = $1`,
      [objectId, stateId, operId, operDate],
    );
  }

  /** Drop: the object and everything hanging from it (history, class rows, access rows) go by cascade. */
  async deleteObject(m: EntityManager, objectId: string): Promise<void> {
    await m.query(`UPDATE event_log SET object_id = NULL WHERE object_id = $1`, [objectId]);
    await m.query(`DELETE FROM object WHERE id = $1`, [objectId]);
  }

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
  ): Promise<string> {
    const [row] = await m.query<{ id: string }[]>(
      `INSERT INTO object (parent_id, type_id, class_id, state_id, owner_id, oper_id, label, oper_date)
       VALUES ($1, $2, $3, $4, $5, $5, $6, coalesce($7::timestamptz, now())) RETURNING id`,
      [o.parentId, o.typeId, o.classId, o.stateId, o.ownerId, o.label, o.operDate ?? null],
    );
    await m.query(
      `INSERT INTO object_state (object_id, state_id, valid_from) VALUES ($1, $2, coalesce($3::timestamptz, clock_timestamp()))`,
      [row.id, o.stateId, o.operDate ?? null],
    );
    if (o.ownerId) await m.query(`INSERT INTO acl_object (object_id, user_id, allow) VALUES ($1, $2, 'sud')`, [row.id, o.ownerId]);
    return row.id;
  }

  /** Records who changed the object and when (a method without a transition). */
  async touch(m: EntityManager, objectId: string, operId: string | null, operDate: Date | null = null): Promise<void> {
    await m.query(`UPDATE object SET updated = now(), oper_id = $2, oper_date = coalesce($3::timestamptz, now()) WHERE id = $1`, [
      objectId,
      operId,
      operDate,
    ]);
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
