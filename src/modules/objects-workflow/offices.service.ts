import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import type { AuthContext } from '../../common/security/auth-context.js';
import { AccessService } from './access.service.js';
import { officeEssence } from './essences/office.essence.js';
import { type OfficeRef, OfficesRepository } from './offices.repository.js';
import { actorOf } from './request-context.js';
import { WorkflowRepository } from './workflow.repository.js';

export type { OfficeRef } from './offices.repository.js';

/**
 * What other modules may know of offices (the `office` essence): the work shifts find the office of a scan and
 * the offices an export may name. Reads only; offices are written through /api/v1/office/set like any essence.
 */
@Injectable()
export class OfficesService {
  constructor(
    private readonly repo: OfficesRepository,
    private readonly workflow: WorkflowRepository,
    private readonly access: AccessService,
    private readonly uow: UnitOfWork,
  ) {}

  byCode(code: string): Promise<OfficeRef | undefined> {
    return this.repo.byCode(code);
  }

  /**
   * The offices the caller may see, as /api/v1/office/list shows them (class rights, object masks; every
   * office for administrators): all of them, or those with these names (or codes). A hidden office is not in
   * the answer, exactly like one that does not exist.
   */
  async visible(auth: AuthContext, names?: readonly string[]): Promise<OfficeRef[]> {
    const actor = actorOf(auth);
    let allowsSelect = true;
    if (!actor.admin) {
      const m = this.uow.manager;
      const root = await this.workflow.classByCode(m, officeEssence.code);
      if (!root) throw new Error(`class ${officeEssence.code} is not seeded`);
      const chain = (await this.workflow.classChain(m, root.id)).map((c) => c.id);
      const rights = await this.access.classRights(m, actor, chain);
      if (!rights.has('a')) return [];
      allowsSelect = rights.has('s');
    }
    return this.repo.visible(actor, allowsSelect, names);
  }
}
