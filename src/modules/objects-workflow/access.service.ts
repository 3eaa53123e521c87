import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import type { Actor } from './workflow-handler.js';

export type ClassRight = 'a' | 'c' | 's' | 'u' | 'd';
export type ObjectRight = 's' | 'u' | 'd';

interface Mask {
  allow: string;
  deny: string;
}

/** Within one level, deny wins over allow; `undefined`: the level says nothing. */
function decide(masks: Mask[], right: string): boolean | undefined {
  if (masks.some((x) => x.deny.includes(right))) return false;
  if (masks.some((x) => x.allow.includes(right))) return true;
  return undefined;
}

const PRINCIPAL = `(x.user_id = $2 OR x.group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $2))`;

/**
 * Access masks (design/workflow.md section 5). Class rights come from the deepest class of the chain that
 * has a mask for the actor (user or one of their groups); an object's own masks, when they say something
 * about a right, decide it for that object (the owner's row gives s, u, d); a method's masks can take the
 * right to run it away (or grant it), else the class and object checks of the action decide. Deny wins over allow at each level. Documents are also limited to the session's area and below.
 * Administrators bypass all of it.
 */
@Injectable()
export class AccessService {
  async classRights(m: EntityManager, actor: Actor, chain: string[]): Promise<Set<ClassRight>> {
    if (actor.admin) return new Set(['a', 'c', 's', 'u', 'd']);
    const rows = await m.query<(Mask & { classId: string })[]>(
      `SELECT class_id AS "classId", allow, deny FROM acl_class x WHERE x.class_id = ANY($1::bigint[]) AND ${PRINCIPAL}`,
      [chain, actor.userId],
    );
    const nearest = chain.find((id) => rows.some((r) => r.classId === id));
    const masks = rows.filter((r) => r.classId === nearest);
    return new Set((['a', 'c', 's', 'u', 'd'] as const).filter((r) => decide(masks, r) === true));
  }

  async requireClass(m: EntityManager, actor: Actor, chain: string[], right: ClassRight): Promise<Set<ClassRight>> {
    const rights = await this.classRights(m, actor, chain);
    if (!rights.has('a') || !rights.has(right)) throw forbidden();
    return rights;
  }

  /**
   * The actor's rights on one object: each from its masks when they say something, else from the class;
   * none at all for a document outside the session's area. One query.
   */
  async objectRights(m: EntityManager, actor: Actor, objectId: string, classRights: Set<ClassRight>): Promise<Set<ObjectRight>> {
    if (actor.admin) return new Set(['s', 'u', 'd']);
    const [row] = await m.query<{ masks: Mask[]; inArea: boolean }[]>(
      `SELECT (SELECT coalesce(json_agg(json_build_object('allow', x.allow, 'deny', x.deny)), '[]') FROM acl_object x WHERE x.object_id = $1 AND ${PRINCIPAL}) AS masks,
              (NOT EXISTS (SELECT 1 FROM document WHERE id = $1)
               OR EXISTS (SELECT 1 FROM document d WHERE d.id = $1 AND d.area_id IN (${AREA_SUBTREE('$3')}))) AS "inArea"`,
      [objectId, actor.userId, actor.areaId],
    );
    if (!row.inArea) return new Set();
    return new Set((['s', 'u', 'd'] as const).filter((r) => decide(row.masks, r) ?? classRights.has(r)));
  }

  /** 404 when the actor may not even see the object (as if it did not exist), 403 without `right`. */
  async requireObject(m: EntityManager, actor: Actor, objectId: string, classRights: Set<ClassRight>, right: ObjectRight): Promise<void> {
    const rights = await this.objectRights(m, actor, objectId, classRights);
    if (!rights.has('s')) throw objectNotFound(objectId);
    if (!rights.has(right)) throw forbidden();
  }

  /**
   * May the actor execute this method? Its masks decide when they say something; otherwise the class and
   * object rights already checked for the action (create: class `c`; others: object `u`, or `d` for delete
   * and drop) are enough.
   */
  async methodAllows(m: EntityManager, actor: Actor, methodId: string): Promise<boolean> {
    if (actor.admin) return true;
    const masks = await m.query<Mask[]>(`SELECT allow, deny FROM acl_method x WHERE x.method_id = $1 AND ${PRINCIPAL}`, [
      methodId,
      actor.userId,
    ]);
    return decide(masks, 'x') ?? true;
  }

  /**
   * A SQL condition (for lists and counts) true for the objects of alias `o` the actor may select: object
   * masks, else the class's `s`, and the area for documents (alias `d`). Parameters: the actor's user id,
   * whether the class allows select, and the session's area, at `$first`, `$first+1`, `$first+2`.
   */
  listFilter(actor: Actor, classAllowsSelect: boolean, first: number, documentAlias: string | null): { sql: string; params: unknown[] } {
    if (actor.admin) return { sql: 'TRUE', params: [] };
    const [u, cls, area] = [`$${first}`, `$${first + 1}`, `$${first + 2}`];
    const principal = `(x.user_id = ${u} OR x.group_id IN (SELECT group_id FROM user_group_member WHERE user_id = ${u}))`;
    const sql = `(NOT EXISTS (SELECT 1 FROM acl_object x WHERE x.object_id = o.id AND strpos(x.deny, 's') > 0 AND ${principal})
      AND (${cls}::boolean OR EXISTS (SELECT 1 FROM acl_object x WHERE x.object_id = o.id AND strpos(x.allow, 's') > 0 AND ${principal}))
      ${documentAlias ? `AND ${documentAlias}.area_id IN (${AREA_SUBTREE(area)})` : `AND ${area}::bigint IS NOT NULL`})`;
    return { sql, params: [actor.userId, classAllowsSelect, actor.areaId] };
  }
}

/** The area `$param` and every area below it. */
export const AREA_SUBTREE = (param: string) =>
  `WITH RECURSIVE sub AS (SELECT id FROM area WHERE id = ${param}::bigint UNION ALL SELECT a.id FROM area a JOIN sub ON a.parent_id = sub.id) SELECT id FROM sub`;

/** Missing and hidden objects look the same. */
export function objectNotFound(id: string): DomainError {
  return new DomainError('NOT_FOUND', { ru: `Объект ${id} не найден.`, en: `Object ${id} not found.` });
}

export function forbidden(): DomainError {
  return new DomainError('FORBIDDEN', { ru: 'Недостаточно прав.', en: 'Access denied.' });
}
