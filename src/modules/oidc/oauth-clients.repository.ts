import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { OAuthClient } from './oauth-client.entity.js';

/** The client registry's table, through TypeORM's repository of the entity, in the ambient unit of work. */
@Injectable()
export class OAuthClientsRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get clients() {
    return this.uow.manager.getRepository(OAuthClient);
  }

  find(clientId: string): Promise<OAuthClient | null> {
    return this.clients.findOneBy({ clientId });
  }

  list(): Promise<OAuthClient[]> {
    return this.clients.find({ order: { clientId: 'ASC' } });
  }

  /** A new client (a taken client_id is a unique violation, never an update). */
  async insert(client: OAuthClient): Promise<void> {
    const { serviceUser: _relation, ...row } = client;
    await this.clients.insert(row);
  }

  async save(client: OAuthClient): Promise<void> {
    await this.clients.save(client);
  }

  async delete(clientId: string): Promise<void> {
    await this.clients.delete({ clientId });
  }
}
