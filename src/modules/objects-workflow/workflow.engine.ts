import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { StatementPart } from '../../common/database/statement-parts.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { OutboxService } from '../../common/events/outbox.service.js';
import { EventLogService } from '../event-log/event-log.service.js';
import {
  AccessService,
  classRightsOf,
  forbidden,
  methodAllowed,
  methodForbidden,
  objectNotFound,
  objectRightsOf,
  type ObjectRight,
} from './access.service.js';
import { type Actor, WorkflowHandlerRegistry } from './workflow-handler.js';
import { decideAction, decideCreate, decideMethod, eventChain, type MethodRow } from './workflow.decision.js';
import { type ClassLink, type LockedObject, WorkflowRepository } from './workflow.repository.js';

/** Event log code of object actions. */
export const WORKFLOW_LOG_CODE = 3001;

export interface ActionOutcome {
  id: string;
  method: string;
  action: string;
  state: string | null;
  dropped: boolean;
  result: Record<string, unknown>;
}

export type ActionRef = { id?: string; code?: string };

/**
 * The one path every state change takes (design/workflow.md section 3): in the caller's transaction, lock
 * the object, resolve the method up the class tree, check access, run the event chain (handlers may veto by
 * throwing: the whole transaction rolls back), apply the transition with its temporal history, write the
 * event log and the outbox. The caller commits; subscribers see the event only after that.
 */
@Injectable()
export class WorkflowEngine {
  constructor(
    private readonly repo: WorkflowRepository,
    private readonly access: AccessService,
    private readonly handlers: WorkflowHandlerRegistry,
    private readonly events: EventLogService,
    private readonly outbox: OutboxService,
  ) {}

  async executeAction(
    m: EntityManager,
    objectId: string,
    action: ActionRef,
    form: Record<string, unknown>,
    actor: Actor,
  ): Promise<ActionOutcome> {
    const { object, chain, methods } = await this.load(m, objectId);
    const chainIds = chain.map((c) => c.id);
    const method = await this.authorize(m, actor, object, chainIds, () => decideAction(methods, chainIds, object.stateId, action));
    return this.run(m, object, chain, method, form, actor);
  }

  async executeMethod(
    m: EntityManager,
    objectId: string,
    ref: ActionRef,
    form: Record<string, unknown>,
    actor: Actor,
  ): Promise<ActionOutcome> {
    const { object, chain, methods } = await this.load(m, objectId);
    const chainIds = chain.map((c) => c.id);
    const method = await this.authorize(m, actor, object, chainIds, () => decideMethod(methods, chainIds, object.stateId, ref));
    return this.run(m, object, chain, method, form, actor);
  }

  /**
   * The access policy on an existing object, in its one order (objects-kernel.md section 4): not visible 404
   * (whatever the state offers: no existence oracle), the state does not offer it 409, not allowed 403. The
   * class, object and method masks come in one query.
   */
  private async authorize(
    m: EntityManager,
    actor: Actor,
    object: LockedObject,
    chainIds: string[],
    resolve: () => MethodRow,
  ): Promise<MethodRow> {
    let method: MethodRow | undefined;
    let refusal: unknown;
    try {
      method = resolve();
    } catch (err) {
      refusal = err;
    }
    const facts = await this.access.facts(m, actor, { chain: chainIds, objectId: object.id, methodIds: method ? [method.id] : [] });
    const classRights = classRightsOf(facts, chainIds);
    const rights = objectRightsOf(facts, classRights);
    if (!classRights.has('a') || !rights.has('s')) throw objectNotFound(object.id);
    if (!method) throw refusal;
    const needed: ObjectRight = method.actionCode === 'drop' || method.actionCode === 'delete' ? 'd' : 'u';
    if (!rights.has(needed)) throw forbidden();
    if (!methodAllowed(facts, method.id)) throw methodForbidden();
    return method;
  }

  /**
   * Starts creating an object of `classCode`: the actor needs the class's `a` and `c` and may run its create
   * method; that method gives the state the object starts in (the caller inserts it there, then calls afterCreate).
   */
  async beginCreate(m: EntityManager, classCode: string, actor: Actor): Promise<{ classId: string; method: MethodRow }> {
    const klass = await this.repo.classByCode(m, classCode);
    if (!klass) throw new Error(`class ${classCode} is not seeded`);
    const chain = (await this.repo.classChain(m, klass.id)).map((c) => c.id);
    const method = decideCreate(await this.repo.methods(m, chain), chain);
    const facts = await this.access.facts(m, actor, { chain, methodIds: [method.id] });
    const rights = classRightsOf(facts, chain);
    if (!rights.has('a') || !rights.has('c')) throw forbidden();
    if (!methodAllowed(facts, method.id)) throw methodForbidden();
    return { classId: klass.id, method };
  }

  /**
   * Starts changing an object of `essence` (its class rows, then the `edit` method): row-locked; missing,
   * hidden or of another essence: 404; the actor needs the object's `u` (403).
   */
  async beginChange(m: EntityManager, objectId: string, essence: string, actor: Actor): Promise<LockedObject> {
    const object = await this.repo.lockObject(m, objectId);
    if (!object || object.essence !== essence) throw objectNotFound(objectId);
    const chain = (await this.repo.classChain(m, object.classId)).map((c) => c.id);
    const facts = await this.access.facts(m, actor, { chain, objectId });
    const classRights = classRightsOf(facts, chain);
    const rights = objectRightsOf(facts, classRights);
    if (!classRights.has('a') || !rights.has('s')) throw objectNotFound(objectId);
    if (!rights.has('u')) throw forbidden();
    return object;
  }

  /**
   * Runs the create chain for an object just inserted in the create method's state (no transition again, and
   * no lock: the row is this transaction's own until it commits); beginCreate has checked the rights.
   */
  async afterCreate(
    m: EntityManager,
    object: LockedObject,
    method: MethodRow,
    form: Record<string, unknown>,
    actor: Actor,
  ): Promise<ActionOutcome> {
    const chain = await this.repo.classChain(m, object.classId);
    return this.run(m, object, chain, { ...method, newStateId: null }, form, actor, null);
  }

  /** Admin: to the class's `deleted` state without running events. */
  async forceDelete(m: EntityManager, objectId: string, actor: Actor): Promise<ActionOutcome> {
    const { object, chain } = await this.load(m, objectId);
    const deleted = await this.repo.stateByCode(
      m,
      chain.map((c) => c.id),
      'deleted',
    );
    if (!deleted) throw new DomainError('CONFLICT', 'The class has no deleted state');
    const payload = {
      object: object.id,
      class: chain[0].code,
      action: 'delete',
      method: null,
      oldState: object.stateId,
      newState: deleted.id,
      dropped: false,
      form: {},
      actor: actor.userId,
    };
    await this.repo.applyChange(
      m,
      {
        objectId: object.id,
        // Already deleted: nothing to change (the log and the outbox still record the forced delete).
        newStateId: object.stateId === deleted.id ? null : deleted.id,
        touch: false,
        operId: actor.userId,
        operDate: actor.operDate,
      },
      [
        this.logPart(actor, object.id, `Object ${object.id} (${chain[0].code}) force-deleted`),
        this.outbox.recordPart('ObjectActionExecuted', payload),
      ],
    );
    return { id: object.id, method: 'force:delete', action: 'delete', state: deleted.id, dropped: false, result: {} };
  }

  private async load(m: EntityManager, objectId: string) {
    const object = await this.repo.lockObject(m, objectId);
    if (!object) throw objectNotFound(objectId);
    const chain = await this.repo.classChain(m, object.classId);
    const methods = await this.repo.methods(
      m,
      chain.map((c) => c.id),
    );
    return { object, chain, methods };
  }

  private async run(
    m: EntityManager,
    object: LockedObject,
    chain: ClassLink[],
    method: MethodRow,
    form: Record<string, unknown>,
    actor: Actor,
    oldState: string | null = object.stateId,
  ): Promise<ActionOutcome> {
    const chainIds = chain.map((c) => c.id);
    const drop = method.actionCode === 'drop';
    const ctx = {
      manager: m,
      object,
      classCode: chain[0].code,
      method,
      action: method.actionCode,
      form,
      actor,
      result: {} as Record<string, unknown>,
    };
    for (const name of eventChain(await this.repo.events(m, chainIds, method.actionId), chainIds, method.actionId)) {
      await this.handlers.get(name).handle(ctx);
    }

    const newState = drop ? null : (method.newStateId ?? object.stateId);
    const text = `${method.actionCode} ${chain[0].code} ${object.id}: ${method.code}`;
    const recorded = this.outbox.recordPart('ObjectActionExecuted', {
      object: object.id,
      class: chain[0].code,
      action: method.actionCode,
      method: method.id,
      oldState,
      newState,
      dropped: drop,
      form,
      actor: actor.userId,
    });
    if (drop) {
      await this.repo.deleteObject(m, object.id, [this.logPart(actor, null, text), recorded]);
    } else {
      // The transition (or touch), its history, the log entry and the outbox row: one statement.
      // A creation (no old state) has nothing to touch: its insert wrote who and when, in this transaction.
      const change = {
        objectId: object.id,
        newStateId: method.newStateId,
        touch: oldState !== null,
        operId: actor.userId,
        operDate: actor.operDate,
      };
      await this.repo.applyChange(m, change, [this.logPart(actor, object.id, text), recorded]);
    }
    return { id: object.id, method: method.code, action: method.actionCode, state: newState, dropped: drop, result: ctx.result };
  }

  /** The action's event log entry, written as a part of its one statement. */
  private logPart(actor: Actor, objectId: string | null, text: string): StatementPart {
    return this.events.writePart({
      type: 'M',
      code: WORKFLOW_LOG_CODE,
      category: 'workflow',
      text,
      userId: actor.userId,
      session: actor.session,
      objectId,
    });
  }
}
