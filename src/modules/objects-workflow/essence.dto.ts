import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsCalendarDate } from '../../common/validation/dates.js';
import { IsNumericId } from '../../common/validation/numeric-id.js';
import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ArrayMaxSize,
} from 'class-validator';

export class ClientNameDto {
  @ApiPropertyOptional({ description: 'Full name of the company or person' }) @IsOptional() @IsString() @MaxLength(500) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) short?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) first?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) last?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) middle?: string;
}

/** Seed 002 "Параметры запросов: Клиент": without `id` a new client, with `id` a change of the given keys. */
export class ClientSetDto {
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

/** The working-day calendar (a reference). */
export class CalendarSetDto {
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

export class ListBodyDto {
  @ApiPropertyOptional({ type: [String] }) fields?: string[];
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'Conditions: {condition, field, compare, value, valarr, lstr, rstr}',
  })
  search?: unknown[];
  @ApiPropertyOptional({ type: Object, description: 'field = value pairs, ANDed' }) filter?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [String], example: ['id DESC'] }) orderby?: string[];
  @ApiPropertyOptional({ example: 50 }) reclimit?: number;
  @ApiPropertyOptional({ example: 0 }) recoffset?: number;
}

export class CountResponseDto {
  @ApiProperty() count: number;
}
