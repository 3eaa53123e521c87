import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { uniqueViolation } from '../../common/errors/unique-violation.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { Language } from '../../common/i18n/language.js';
import type { ColumnMap } from '../../common/list-query/list-query.types.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AccountsService } from '../auth/accounts.service.js';
import type { ClientType } from '../auth/entities/user.entity.js';
import { AccessService } from './access.service.js';
import type { ClientSetDto } from './essence.dto.js';
import type { ClientAccount, ClientCard, ClientRegistrar } from '../../common/security/client-registrar.js';
import { DOCUMENT_JOINS, documentColumns, objectColumns, ObjectReader } from './object-reader.js';
import type { Actor } from './workflow-handler.js';
import { WorkflowEngine } from './workflow.engine.js';
import { WorkflowRepository } from './workflow.repository.js';

const clientColumns = (lang: Language): ColumnMap => ({
  ...objectColumns(lang),
  ...documentColumns(),
  code: { sql: 'base.code', type: 'text' },
  userId: { sql: 'base.user_id', type: 'integer' },
  fullname: { sql: 'base.fullname', type: 'text' },
  shortname: { sql: 'base.shortname', type: 'text' },
  lastname: { sql: 'base.lastname', type: 'text' },
  firstname: { sql: 'base.firstname', type: 'text' },
  middlename: { sql: 'base.middlename', type: 'text' },
  birthday: { sql: 'base.birthday', type: 'date' },
  phone: { sql: 'base.phone', type: 'json' },
  email: { sql: 'base.email', type: 'json' },
  info: { sql: 'base.info', type: 'json' },
  locale: { sql: 'base.locale_id', type: 'integer' },
  localecode: { sql: '(SELECT lc.code FROM locale lc WHERE lc.id = base.locale_id)', type: 'text' },
  localename: { sql: '(SELECT lc.name FROM locale lc WHERE lc.id = base.locale_id)', type: 'text' },
});

/**
 * Seed 002's client document: set (create or change), get, list, count, type, method; and the client of a
 * signed-up account (ClientRegistrar, called by /api/v1/sign/up in its transaction).
 */
@Injectable()
export class ClientService implements ClientRegistrar {
  readonly reader: ObjectReader;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: WorkflowRepository,
    private readonly engine: WorkflowEngine,
    private readonly access: AccessService,
    private readonly accounts: AccountsService,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.reader = new ObjectReader(
      { classCode: 'client', tables: `client base ${DOCUMENT_JOINS}`, columns: clientColumns, documentAlias: 'd' },
      repo,
      access,
      config.list,
    );
  }

  async set(body: ClientSetDto, actor: Actor, lang: Language): Promise<Record<string, unknown>> {
    // Creating an account, or binding the document to one, is an account creator's right, not a class right.
    if (body.userid !== undefined && !actor.accountCreator) throw accountCreatorsOnly();
    try {
      const id = await this.uow.run(() => {
        const m = this.uow.manager;
        return body.id ? this.change(m, body.id, body, actor) : this.create(m, body, actor);
      });
      return await this.reader.get(this.ds.manager, id, undefined, actor, lang);
    } catch (err) {
      const detail = uniqueViolation(err)?.detail;
      if (detail) {
        if (detail.includes('(code)'))
          throw new DomainError('BAD_REQUEST', {
            ru: `Клиент с кодом "${body.code}" уже существует.`,
            en: `A client with code "${body.code}" already exists.`,
          });
        if (detail.includes('(user_id)')) throw invalidField('userid', 'this user account already belongs to another client');
      }
      throw err;
    }
  }

  /**
   * The new account's client: code = login, owned by the account, in the account's area. Sign-up is
   * authorized by its route (administrators, or a client with the signup scope), so masks do not apply.
   */
  async registerClient(account: ClientAccount): Promise<string> {
    const m = this.uow.manager; // the sign-up's transaction
    const [taken] = await m.query<unknown[]>(`SELECT 1 FROM client WHERE code = $1`, [account.username]);
    if (taken)
      throw new DomainError('BAD_REQUEST', {
        ru: `Клиент с кодом "${account.username}" уже существует.`,
        en: `A client with code "${account.username}" already exists.`,
      });
    const [user] = await m.query<{ areaId: string }[]>(`SELECT area_id AS "areaId" FROM app_user WHERE id = $1`, [account.userId]);
    const system: Actor = { userId: account.userId, session: null, admin: true, accountCreator: true, areaId: user.areaId };
    const body: ClientSetDto = {
      code: account.username,
      type: account.type,
      name: account.name,
      phone: account.phone,
      email: account.email,
      info: account.info,
      description: account.description,
    };
    return this.create(m, body, system, account.userId);
  }

  /** whoami's client: the document bound to the account, with its e-mail and phone directories. */
  async clientOfUser(userId: string): Promise<ClientCard | undefined> {
    const [row] = await this.ds.query<ClientCard[]>(`SELECT id, email, phone FROM client WHERE user_id = $1`, [userId]);
    return row;
  }

  private async create(m: EntityManager, b: ClientSetDto, actor: Actor, accountId?: string): Promise<string> {
    const { classId, method } = await this.engine.beginCreate(m, 'client', actor);
    const typeCode = b.type ?? 'physical';
    const type = await this.typeId(m, classId, typeCode);
    const code = b.code ?? `client-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    let userId: string | null = accountId ?? null; // an account made in this transaction (sign-up)
    if (!accountId && b.userid === 0) {
      userId = await this.accounts.createAccount({
        username: code,
        type: (['entity', 'physical', 'individual'].includes(typeCode) ? typeCode : 'physical') as ClientType,
        name: b.name,
        email: typeof b.email === 'string' ? b.email : undefined,
        phone: typeof b.phone === 'string' ? b.phone : undefined,
      });
    } else if (!accountId && b.userid !== undefined) {
      if (!(await this.accounts.userExists(String(b.userid)))) throw invalidField('userid', `user ${b.userid} does not exist`);
      userId = String(b.userid);
    }
    if (b.parent) await this.requireParent(m, b.parent);
    const label = b.name?.name ?? b.name?.short ?? code;
    const id = await this.repo.insertObject(m, {
      parentId: b.parent ?? null,
      typeId: type,
      classId,
      stateId: method.newStateId!,
      ownerId: actor.userId,
      label,
    });
    await m.query(`INSERT INTO document (id, area_id, description) VALUES ($1, $2, $3)`, [id, actor.areaId, b.description ?? null]);
    await m.query(
      `INSERT INTO client (id, code, user_id, fullname, shortname, lastname, firstname, middlename, birthday, phone, email, info, locale_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, (SELECT id FROM locale WHERE code = $13))`,
      [
        id,
        code,
        userId,
        b.name?.name ?? null,
        b.name?.short ?? null,
        b.name?.last ?? null,
        b.name?.first ?? null,
        b.name?.middle ?? null,
        b.birthday ?? null,
        json(b.phone),
        json(b.email),
        json(b.info),
        b.locale ?? null,
      ],
    );
    await this.engine.afterCreate(m, id, method, { ...b }, actor);
    return id;
  }

  /** Changes only the keys given, then runs the global `edit` method (access, events, log). */
  private async change(m: EntityManager, id: string, b: ClientSetDto, actor: Actor): Promise<string> {
    const object = await this.engine.beginChange(m, id, 'client', actor);
    const sets: string[] = [];
    const params: unknown[] = [id];
    const put = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (b.code !== undefined) put('code', b.code);
    if (b.userid !== undefined) {
      if (b.userid !== 0 && !(await this.accounts.userExists(String(b.userid))))
        throw invalidField('userid', `user ${b.userid} does not exist`);
      put('user_id', b.userid === 0 ? null : String(b.userid));
    }
    if (b.name !== undefined) {
      if (b.name.name !== undefined) put('fullname', b.name.name);
      if (b.name.short !== undefined) put('shortname', b.name.short);
      if (b.name.last !== undefined) put('lastname', b.name.last);
      if (b.name.first !== undefined) put('firstname', b.name.first);
      if (b.name.middle !== undefined) put('middlename', b.name.middle);
    }
    if (b.birthday !== undefined) put('birthday', b.birthday);
    if (b.phone !== undefined) put('phone', json(b.phone));
    if (b.email !== undefined) put('email', json(b.email));
    if (b.info !== undefined) put('info', json(b.info));
    if (b.locale !== undefined) {
      params.push(b.locale);
      sets.push(`locale_id = (SELECT id FROM locale WHERE code = $${params.length})`);
    }
    if (sets.length > 0) await m.query(`UPDATE client SET ${sets.join(', ')} WHERE id = $1`, params);
    if (b.description !== undefined) await m.query(`UPDATE document SET description = $2 WHERE id = $1`, [id, b.description]);
    if (b.type !== undefined)
      await m.query(`UPDATE object SET type_id = $2 WHERE id = $1`, [id, await this.typeId(m, object.classId, b.type)]);
    if (b.parent !== undefined) {
      if (b.parent) await this.requireParent(m, b.parent);
      await m.query(`UPDATE object SET parent_id = $2 WHERE id = $1`, [id, b.parent]);
    }
    if (b.name?.name !== undefined) await this.repo.setLabel(m, id, b.name.name);
    await this.engine.executeAction(m, id, { code: 'edit' }, { ...b }, actor);
    return id;
  }

  private async typeId(m: EntityManager, classId: string, code: string): Promise<string> {
    const row = await this.repo.typeByCode(m, classId, code);
    if (!row) throw invalidField('type', `unknown type "${code}"`);
    return row.id;
  }

  private async requireParent(m: EntityManager, parent: string): Promise<void> {
    const [row] = await m.query<unknown[]>(`SELECT 1 FROM object WHERE id = $1`, [parent]);
    if (!row) throw invalidField('parent', `object ${parent} does not exist`);
  }
}

function accountCreatorsOnly(): DomainError {
  return new DomainError('FORBIDDEN', {
    ru: 'Создавать и привязывать учётные записи могут только администраторы и создатели учётных записей.',
    en: 'Only administrators and account creators may create or bind user accounts (userid).',
  });
}

/** Free-form JSON values are stored as jsonb (null stays SQL NULL). */
function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}
