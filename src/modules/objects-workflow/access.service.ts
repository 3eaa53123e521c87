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

/** Every mask that can bear on one decision, read in one query (AccessService.facts). */
export interface AccessFacts {
  classMasks: (Mask & { classId: string })[];
  objectMasks: Mask[];
  /** False for a document outside the session's area (and below). */
  inArea: boolean;
  methodMasks: (Mask & { methodId: string })[];
}

const ALL_CLASS: ClassRight[] = ['a', 'c', 's', 'u', 'd'];
const ALL_OBJECT: ObjectRight[] = ['s', 'u', 'd'];

/** Within one level, deny wins over allow; `undefined`: the level says nothing. */
function decide(masks: readonly Mask[], right: string): boolean | undefined {
  if (masks.some((x) => x.deny.includes(right))) return false;
  if (masks.some((x) => x.allow.includes(right))) return true;
  return undefined;
}

/**
 * The access policy (design/workflow.md section 5, objects-kernel.md section 4) as pure functions over the masks.
 * Class rights come from the deepest class of the chain that has a mask for the actor (user or one of their
 * groups); an object's own masks, when they say something about a right, decide it for that object (the
 * owner's row gives s, u, d); a method's masks can take the right to run it away (or grant it), else the class
 * and object checks of the action decide. Deny wins over allow at each level. Documents are also limited to the
 * session's area and below. Administrators bypass all of it (their facts are null).
 */
export function classRightsOf(facts: AccessFacts | null, chain: readonly string[]): Set<ClassRight> {
  if (!facts) return new Set(ALL_CLASS);
  const nearest = chain.find((id) => facts.classMasks.some((r) => r.classId === id));
  const masks = facts.classMasks.filter((r) => r.classId === nearest);
  return new Set(ALL_CLASS.filter((r) => decide(masks, r) === true));
}

export function objectRightsOf(facts: AccessFacts | null, classRights: Set<ClassRight>): Set<ObjectRight> {
  if (!facts) return new Set(ALL_OBJECT);
  if (!facts.inArea) return new Set();
  return new Set(ALL_OBJECT.filter((r) => decide(facts.objectMasks, r) ?? classRights.has(r)));
}

/** Its masks decide when they say something; otherwise the class and object checks of the action are enough. */
export function methodAllowed(facts: AccessFacts | null, methodId: string): boolean {
  if (!facts) return true;
  return (
    decide(
      facts.methodMasks.filter((x) => x.methodId === methodId),
      'x',
    ) ?? true
  );
}

/** Visible: the class grants access and the object may be selected; otherwise the object does not exist for the actor. */
export function visible(facts: AccessFacts | null, chain: readonly string[]): boolean {
  const rights = classRightsOf(facts, chain);
  return rights.has('a') && objectRightsOf(facts, rights).has('s');
}

const PRINCIPAL = `(x.user_id = $2 OR x.group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $2))`;

/**
 * The one place that reads access masks. `facts` reads the class, object and method masks that bear on one
 * decision in one query; the decision itself is the pure functions above, applied in one order by the callers:
 * missing or not visible 404, state does not offer the action 409, not allowed 403. Lists and counts use
 * `listFilter`, the same rules as SQL.
 */
@Injectable()
export class AccessService {
  /** Null for administrators (nothing to read: every right). */
  async facts(
    m: EntityManager,
    actor: Actor,
    q: { chain: readonly string[]; objectId?: string | null; methodIds?: readonly string[] },
  ): Promise<AccessFacts | null> {
    if (actor.admin) return null;
    const [row] = await m.query<AccessFacts[]>(
      `SELECT
         (SELECT coalesce(json_agg(json_build_object('classId', x.class_id::text, 'allow', x.allow, 'deny', x.deny)), '[]')
            FROM acl_class x WHERE x.class_id = ANY($1::bigint[]) AND ${PRINCIPAL}) AS "classMasks",
         (SELECT coalesce(json_agg(json_build_object('allow', x.allow, 'deny', x.deny)), '[]')
            FROM acl_object x WHERE x.object_id = $3::bigint AND ${PRINCIPAL}) AS "objectMasks",
         ($3::bigint IS NULL OR NOT EXISTS (SELECT 1 FROM document WHERE id = $3::bigint)
            OR EXISTS (SELECT 1 FROM document d WHERE d.id = $3::bigint AND d.area_id IN (${AREA_SUBTREE('$4')}))) AS "inArea",
         (SELECT coalesce(json_agg(json_build_object('methodId', x.method_id::text, 'allow', x.allow, 'deny', x.deny)), '[]')
            FROM acl_method x WHERE x.method_id = ANY($5::bigint[]) AND ${PRINCIPAL}) AS "methodMasks"`,
      [q.chain, actor.userId, q.objectId ?? null, actor.areaId, q.methodIds ?? []],
    );
    return row;
  }

  /** The class rights alone (lists, counts, gets: the object part is in their SQL). */
  async classRights(m: EntityManager, actor: Actor, chain: readonly string[]): Promise<Set<ClassRight>> {
    return classRightsOf(await this.facts(m, actor, { chain }), chain);
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

export function methodForbidden(): DomainError {
  return new DomainError('FORBIDDEN', { ru: 'Нет права на выполнение метода.', en: 'You may not run this method.' });
}
