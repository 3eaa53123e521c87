import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from '../../../common/errors/domain-error.js';
import type { ColumnSpec } from '../../../common/list-query/list-query.types.js';
import { IsNumericId } from '../../../common/validation/numeric-id.js';
import { defineEssence, type EssenceSetBody } from './essence-definition.js';

/** The working-day calendar (a reference). */
export class CalendarSetDto implements EssenceSetBody {
  @ApiPropertyOptional()
  @IsOptional()
  @IsNumericId('id')
  id?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumericId('parent')
  parent?: string | null;

  @ApiPropertyOptional({ default: 'workday' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  type?: string;

  @ApiPropertyOptional({ description: 'Unique among calendars; required to create one' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^\S(.*\S)?$/, { message: 'code must not be blank' })
  code?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  name?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string | null;

  @ApiPropertyOptional({ type: [Number], example: [1, 2, 3, 4, 5], description: 'ISO weekdays that are working days' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  workdays?: number[];

  @ApiPropertyOptional({ example: '09:00-18:00' })
  @IsOptional()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, { message: 'workhours must be HH:MM-HH:MM' })
  workhours?: string;
}

/** The working-day calendar, a reference: its week pattern and working hours (the table's defaults when not given). */
export const calendarEssence = defineEssence<CalendarSetDto>({
  code: 'calendar',
  kind: 'reference',
  table: 'calendar',
  columns: () => ({
    workdays: { sql: 'to_jsonb(base.work_days)', type: 'json', sortable: false } satisfies ColumnSpec,
    workhours: { sql: 'base.work_hours', type: 'text' } satisfies ColumnSpec,
  }),
  setDto: CalendarSetDto,
  defaultType: 'workday',
  setSummary: 'Create a calendar (no id; code required) or change the given keys; answers what /get answers',
  row: ({ body: b }) => ({ work_days: b.workdays ?? undefined, work_hours: b.workhours ?? undefined }),
  label: (b, _row, create) => (create ? (b.name ?? b.code!) : b.name !== undefined ? (b.name ?? b.code ?? null) : undefined),
  conflict: (_detail, b) =>
    new DomainError('BAD_REQUEST', {
      ru: `Календарь с кодом "${b.code}" уже существует.`,
      en: `A calendar with code "${b.code}" already exists.`,
    }),
});
