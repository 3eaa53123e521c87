import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error.js';
import { AccountsService } from '../auth/accounts.service.js';
import type { PortalSessionDto } from './callbacks.dto.js';
import { PortalPersonsService } from './portal-persons.service.js';

/** seed 001's times: `YYYY-MM-DD HH:MM:SS`, in UTC. */
export const portalTime = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');

/** A person's sessions for the portal (seed 001 "Сессии авторизации"), through identity's public service. */
@Injectable()
export class PortalSessionsService {
  constructor(
    private readonly persons: PortalPersonsService,
    private readonly accounts: AccountsService,
  ) {}

  /** The person's open sessions that have not ended, newest first. */
  async list(idPhperson: string): Promise<PortalSessionDto[]> {
    const userId = await this.persons.requireUser(idPhperson);
    return (await this.accounts.userSessions(userId)).map((s) => ({
      id: Number(s.id),
      user_agent: s.agent,
      ip_address: s.host,
      access_expire_at: portalTime(s.accessExpires),
      refresh_expire_at: portalTime(s.refreshExpires),
      created_at: portalTime(s.created),
      updated_at: portalTime(s.updated),
    }));
  }

  /** Closes one of the person's sessions (`sessionId`) or all of them, with their tokens, as sign-out does. */
  async close(idPhperson: string, sessionId: string | null): Promise<void> {
    const userId = await this.persons.requireUser(idPhperson);
    const closed = await this.accounts.closeUserSessions(userId, sessionId, 'Signed out by the intranet portal');
    if (sessionId !== null && closed === 0) throw new DomainError('NOT_FOUND', 'Session not found.');
  }
}
