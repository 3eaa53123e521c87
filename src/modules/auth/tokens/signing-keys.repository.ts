import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { UnitOfWork } from '../../../common/database/unit-of-work.js';
import { SigningKey, type SigningKeyUse } from '../entities/signing-key.entity.js';

export type NewSigningKey = Pick<SigningKey, 'kid' | 'use' | 'alg' | 'privateJwk' | 'publicJwk'>;

/** Every statement on `signing_key`, in the ambient unit of work. */
@Injectable()
export class SigningKeysRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get keys() {
    return this.uow.manager.getRepository(SigningKey);
  }

  /** Serialises key creation across instances for the rest of the current transaction. */
  async lockForCreation(): Promise<void> {
    await this.uow.manager.query("SELECT pg_advisory_xact_lock(hashtext('signing_key'))");
  }

  activeExists(use: SigningKeyUse, alg: string): Promise<boolean> {
    return this.keys.existsBy({ use, alg, retired: IsNull() });
  }

  async insert(key: NewSigningKey): Promise<void> {
    await this.keys.save(this.keys.create(key));
  }

  async retireActive(use: SigningKeyUse, alg: string): Promise<void> {
    await this.keys.update({ use, alg, retired: IsNull() }, { retired: new Date() });
  }

  /** Active keys and those retired less than `graceSeconds` ago (tokens they signed may still circulate). */
  async usable(graceSeconds: number): Promise<SigningKey[]> {
    return this.keys
      .createQueryBuilder('k')
      .where('k.retired IS NULL OR k.retired > now() - make_interval(secs => :grace)', { grace: graceSeconds })
      .orderBy('k.retired', 'DESC', 'NULLS FIRST')
      .addOrderBy('k.created', 'DESC')
      .getMany();
  }
}
