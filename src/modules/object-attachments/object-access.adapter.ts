import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import {
  AccessService,
  AREA_SUBTREE,
  classRightsOf,
  forbidden,
  objectNotFound,
  objectRightsOf,
} from '../objects-workflow/access.service.js';
import type { Actor } from '../objects-workflow/workflow-handler.js';
import { ObjectAccessPort } from './object-access.port.js';

const CHAIN = `WITH RECURSIVE up AS (SELECT id, parent_id, 0 AS depth FROM object_class WHERE id = $1
  UNION ALL SELECT c.id, c.parent_id, up.depth + 1 FROM object_class c JOIN up ON c.id = up.parent_id) SELECT id FROM up ORDER BY depth`;

/**
 * ObjectAccessPort over the kernel's access policy (objects-workflow access.service.ts): the masks that bear on
 * one object read in one query, decided by its pure functions (class, object and area rules; administrators
 * bypass). The one place this module reaches into the kernel.
 */
@Injectable()
export class ObjectAccessAdapter extends ObjectAccessPort {
  private readonly access = new AccessService();

  constructor(private readonly uow: UnitOfWork) {
    super();
  }

  async require(objectId: string, actor: Actor, right: 's' | 'u'): Promise<void> {
    const m = this.uow.manager;
    const lock = right === 'u' && this.uow.inTransaction ? ' FOR NO KEY UPDATE' : '';
    const [o] = await m.query<{ classId: string }[]>(`SELECT class_id AS "classId" FROM object WHERE id = $1${lock}`, [objectId]);
    if (!o) throw objectNotFound(objectId);
    const chain = (await m.query<{ id: string }[]>(CHAIN, [o.classId])).map((c) => c.id);
    const facts = await this.access.facts(m, actor, { chain, objectId });
    const classRights = classRightsOf(facts, chain);
    const rights = objectRightsOf(facts, classRights);
    if (!classRights.has('a') || !rights.has('s')) throw objectNotFound(objectId);
    if (!rights.has(right)) throw forbidden();
  }

  async visibleFilter(actor: Actor, first: number): Promise<{ sql: string; params: unknown[] }> {
    if (actor.admin) return { sql: 'TRUE', params: [] };
    const m = this.uow.manager;
    // The class tree is small: every class's rights for the actor from one read of its class masks.
    const classes = await m.query<{ id: string; parentId: string | null }[]>(`SELECT id, parent_id AS "parentId" FROM object_class`);
    const parent = new Map(classes.map((c) => [c.id, c.parentId]));
    const chainOf = (id: string) => {
      const chain: string[] = [];
      for (let c: string | null | undefined = id; c && chain.length <= classes.length; c = parent.get(c)) chain.push(c);
      return chain;
    };
    const facts = await this.access.facts(m, actor, { chain: classes.map((c) => c.id) });
    const [accessible, selectable]: string[][] = [[], []];
    for (const c of classes) {
      const rights = classRightsOf(facts, chainOf(c.id));
      if (rights.has('a')) accessible.push(c.id);
      if (rights.has('a') && rights.has('s')) selectable.push(c.id);
    }
    const [u, a, s, area] = [0, 1, 2, 3].map((i) => `$${first + i}`);
    const principal = `(x.user_id = ${u} OR x.group_id IN (SELECT group_id FROM user_group_member WHERE user_id = ${u}))`;
    const sql = `(o.class_id = ANY(${a}::bigint[])
      AND NOT EXISTS (SELECT 1 FROM acl_object x WHERE x.object_id = o.id AND strpos(x.deny, 's') > 0 AND ${principal})
      AND (o.class_id = ANY(${s}::bigint[]) OR EXISTS (SELECT 1 FROM acl_object x WHERE x.object_id = o.id AND strpos(x.allow, 's') > 0 AND ${principal}))
      AND (NOT EXISTS (SELECT 1 FROM document d WHERE d.id = o.id) OR EXISTS (SELECT 1 FROM document d WHERE d.id = o.id AND d.area_id IN (${AREA_SUBTREE(area)}))))`;
    return { sql, params: [actor.userId, accessible, selectable, actor.areaId] };
  }
}
