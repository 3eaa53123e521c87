import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DomainError } from '../../../common/errors/domain-error.js';
import type { Language } from '../../../common/i18n/language.js';
import type { ColumnSpec } from '../../../common/list-query/list-query.types.js';
import { IsCalendarDate } from '../../../common/validation/dates.js';
import { IsNumericId } from '../../../common/validation/numeric-id.js';
import { invalidField } from '../../../common/validation/validation.pipe.js';
import { AccountsService } from '../../auth/accounts.service.js';
import type { ClientType } from '../../auth/entities/user.entity.js';
import { defineEssence, type EssenceSetBody, jsonValue, lookup } from './essence-definition.js';

export class ClientNameDto {
  @ApiPropertyOptional({ description: 'Full name of the company or person' }) @IsOptional() @IsString() @MaxLength(500) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) short?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) first?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) last?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) middle?: string;
}

/** Seed 002 "Параметры запросов: Клиент": without `id` a new client, with `id` a change of the given keys. */
export class ClientSetDto implements EssenceSetBody {
  @ApiPropertyOptional({ description: 'Required to change a client' })
  @IsOptional()
  @IsNumericId('id')
  id?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumericId('parent')
  parent?: string | null;

  @ApiPropertyOptional({ enum: ['entity', 'physical', 'individual'], default: 'physical' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  type?: string;

  @ApiPropertyOptional({ description: 'INN of a company, or the login of a person' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^\S(.*\S)?$/, { message: 'code must not be blank' })
  code?: string;

  @ApiPropertyOptional({ description: 'The client’s user account; 0 creates one (login = code)' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  userid?: number;

  @ApiPropertyOptional({ type: ClientNameDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ClientNameDto)
  name?: ClientNameDto;

  @ApiPropertyOptional({ type: Object, description: 'Phones (free form)' })
  @IsOptional()
  phone?: unknown;

  @ApiPropertyOptional({ type: Object, description: 'Email addresses (free form)' })
  @IsOptional()
  email?: unknown;

  @ApiPropertyOptional({ type: Object })
  @IsOptional()
  @IsObject()
  info?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string | null;

  @ApiPropertyOptional({ example: '1990-05-17' })
  @IsOptional()
  @IsCalendarDate('birthday')
  birthday?: string | null;

  @ApiPropertyOptional({ example: 'ru' })
  @IsOptional()
  @IsIn(['ru', 'en'])
  locale?: string;
}

const col = (sql: string, type: ColumnSpec['type']): ColumnSpec => ({ sql, type });

/** Seed 002 "Класс таблицы: Клиент". */
const columns = (_lang: Language): Record<string, ColumnSpec> => ({
  code: col('base.code', 'text'),
  userId: col('base.user_id', 'integer'),
  fullname: col('base.fullname', 'text'),
  shortname: col('base.shortname', 'text'),
  lastname: col('base.lastname', 'text'),
  firstname: col('base.firstname', 'text'),
  middlename: col('base.middlename', 'text'),
  birthday: col('base.birthday', 'date'),
  phone: col('base.phone', 'json'),
  email: col('base.email', 'json'),
  info: col('base.info', 'json'),
  locale: col('base.locale_id', 'integer'),
  localecode: col('(SELECT lc.code FROM locale lc WHERE lc.id = base.locale_id)', 'text'),
  localename: col('(SELECT lc.name FROM locale lc WHERE lc.id = base.locale_id)', 'text'),
});

const ACCOUNT_TYPES: readonly string[] = ['entity', 'physical', 'individual'];

function accountCreatorsOnly(): DomainError {
  return new DomainError('FORBIDDEN', {
    ru: 'Создавать и привязывать учётные записи могут только администраторы и создатели учётных записей.',
    en: 'Only administrators and account creators may create or bind user accounts (userid).',
  });
}

/**
 * Seed 002's client document: a company or a person, optionally with a user account. `userid` 0 creates the
 * account (login = code) in the same transaction; an id binds an existing one; both are an administrator's or
 * an account creator's right (issue 11 item 4), never a class right.
 */
export const clientEssence = defineEssence<ClientSetDto>({
  code: 'client',
  kind: 'document',
  table: 'client',
  columns,
  setDto: ClientSetDto,
  defaultType: 'physical',
  setSummary: 'Create a client (no id) or change the given keys (with id); `userid` 0 creates a user account with the code as login',
  async row({ body: b, create, actor, get }) {
    if (b.userid !== undefined && !actor.accountCreator) throw accountCreatorsOnly();
    const code = create ? (b.code ?? `client-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`) : b.code;
    let userId: string | null | undefined;
    if (b.userid === 0) {
      const type = b.type ?? 'physical';
      userId = create
        ? await get(AccountsService).createAccount({
            username: code!,
            type: (ACCOUNT_TYPES.includes(type) ? type : 'physical') as ClientType,
            name: b.name,
            email: typeof b.email === 'string' ? b.email : undefined,
            phone: typeof b.phone === 'string' ? b.phone : undefined,
          })
        : null;
    } else if (b.userid !== undefined) {
      if (!(await get(AccountsService).userExists(String(b.userid)))) throw invalidField('userid', `user ${b.userid} does not exist`);
      userId = String(b.userid);
    }
    return {
      code,
      user_id: userId,
      fullname: b.name?.name,
      shortname: b.name?.short,
      lastname: b.name?.last,
      firstname: b.name?.first,
      middlename: b.name?.middle,
      birthday: b.birthday,
      phone: jsonValue(b.phone),
      email: jsonValue(b.email),
      info: jsonValue(b.info),
      locale_id: b.locale === undefined ? undefined : lookup('(SELECT id FROM locale WHERE code = ?)', b.locale),
    };
  },
  label: (b, row, create) => (create ? (b.name?.name ?? b.name?.short ?? (row.code as string)) : b.name?.name),
  conflict(detail, b) {
    if (detail.includes('(code)'))
      return new DomainError('BAD_REQUEST', {
        ru: `Клиент с кодом "${b.code}" уже существует.`,
        en: `A client with code "${b.code}" already exists.`,
      });
    if (detail.includes('(user_id)')) return invalidField('userid', 'this user account already belongs to another client');
    return undefined;
  },
});
