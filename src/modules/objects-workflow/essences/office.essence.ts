import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Validate,
  type ValidatorConstraintInterface,
  ValidatorConstraint,
} from 'class-validator';
import { DomainError } from '../../../common/errors/domain-error.js';
import { IsNumericId } from '../../../common/validation/numeric-id.js';
import { defineEssence, type EssenceSetBody } from './essence-definition.js';

@ValidatorConstraint({ name: 'timeZone' })
class IsTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.length > 64) return false;
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'timezone must be an IANA time zone such as Europe/Moscow';
  }
}

/** An office (seed 000's station), a reference. */
export class OfficeSetDto implements EssenceSetBody {
  @ApiPropertyOptional()
  @IsOptional()
  @IsNumericId('id')
  id?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumericId('parent')
  parent?: string | null;

  @ApiPropertyOptional({ default: 'station' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  type?: string;

  @ApiPropertyOptional({ description: 'Unique among offices; required to create one', example: 'azs-1' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^\S(.*\S)?$/, { message: 'code must not be blank' })
  code?: string;

  @ApiPropertyOptional({ description: 'The name the export shows and filters by (seed 000: begOffice, officeId)', example: 'Офис 1' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  name?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string | null;

  @ApiPropertyOptional({ default: 'Europe/Moscow', description: 'IANA time zone: shift times are exported in it' })
  @IsOptional()
  @Validate(IsTimeZone)
  timezone?: string;

  @ApiPropertyOptional({ description: 'client_id of the device that scans codes at this office (null: none)', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  device_client?: string | null;
}

/** The office, a reference: code, name, time zone, description, and the device client bound to it. */
export const officeEssence = defineEssence<OfficeSetDto>({
  code: 'office',
  kind: 'reference',
  table: 'office',
  columns: () => ({
    timezone: { sql: 'base.time_zone', type: 'text' },
    device_client: { sql: 'base.device_client', type: 'text' },
  }),
  setDto: OfficeSetDto,
  defaultType: 'station',
  setSummary: 'Create an office (no id; code required) or change the given keys; answers what /get answers',
  row: ({ body: b }) => ({ time_zone: b.timezone ?? undefined, device_client: b.device_client }),
  label: (b, _row, create) => (create ? (b.name ?? b.code!) : b.name !== undefined ? (b.name ?? b.code ?? null) : undefined),
  conflict: (_detail, b) =>
    new DomainError('BAD_REQUEST', {
      ru: `Офис с кодом "${b.code}" или этим устройством уже существует.`,
      en: `An office with code "${b.code}" or this device already exists.`,
    }),
});
