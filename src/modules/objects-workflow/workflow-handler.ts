import { applyDecorators, Injectable, Logger, type OnApplicationBootstrap, SetMetadata } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import type { MethodRow } from './workflow.decision.js';
import type { LockedObject } from './workflow.repository.js';
import { WorkflowRepository } from './workflow.repository.js';

/** Who runs an action (from the request's AuthContext). */
export interface Actor {
  userId: string;
  session: string | null;
  admin: boolean;
  /** May create user accounts and bind them to clients (AuthContext.accountCreator). */
  accountCreator: boolean;
  areaId: string;
  /** The session's operational date: writes are dated with it (null: now). */
  operDate: Date | null;
}

/** What an event handler sees; it runs inside the action's transaction (`manager`). */
export interface WorkflowContext {
  manager: EntityManager;
  object: LockedObject;
  classCode: string;
  method: MethodRow;
  action: string;
  form: Record<string, unknown>;
  actor: Actor;
  /** Handlers may add to the action's result. */
  result: Record<string, unknown>;
}

/** A workflow event handler: may write through `ctx.manager`, add to `ctx.result`, or veto by throwing. */
export interface WorkflowEventHandler {
  handle(ctx: WorkflowContext): Promise<void> | void;
}

const WORKFLOW_HANDLER = 'workflow:handler';

interface HandlerMeta {
  class: string;
  action: string;
  name: string;
  sequence: number;
}

/**
 * Registers a provider as the handler of (class code, action code) under `name` (default: the class name).
 * At start the event table gets a row binding that name to (class, action) if it has none; from then on
 * the table decides (enabled, order), and the engine calls the handler by name.
 */
export function WorkflowHandler(options: { class: string; action: string; name?: string; sequence?: number }): ClassDecorator {
  return (target) => {
    const meta: HandlerMeta = {
      class: options.class,
      action: options.action,
      name: options.name ?? (target as { name: string }).name,
      sequence: options.sequence ?? 10,
    };
    applyDecorators(Injectable(), SetMetadata(WORKFLOW_HANDLER, meta))(target);
  };
}

/** The registered handlers by name, found among the providers at bootstrap. */
@Injectable()
export class WorkflowHandlerRegistry implements OnApplicationBootstrap {
  private readonly logger = new Logger('Workflow');
  private readonly handlers = new Map<string, WorkflowEventHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly repo: WorkflowRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const meta = this.reflector.get<HandlerMeta | undefined>(WORKFLOW_HANDLER, wrapper.metatype);
      if (!meta) continue;
      if (this.handlers.has(meta.name)) throw new Error(`two workflow handlers are named ${meta.name}`);
      this.handlers.set(meta.name, wrapper.instance as WorkflowEventHandler);
      if (!(await this.repo.bindHandler(meta.class, meta.action, meta.name, meta.sequence))) {
        this.logger.warn(`workflow handler ${meta.name}: no class "${meta.class}" or action "${meta.action}"`);
      }
    }
  }

  get(name: string): WorkflowEventHandler {
    const handler = this.handlers.get(name);
    // Fail closed: a configured handler that is not deployed could be a missing veto.
    if (!handler) throw new Error(`workflow handler "${name}" is bound in workflow_event but not registered`);
    return handler;
  }
}
