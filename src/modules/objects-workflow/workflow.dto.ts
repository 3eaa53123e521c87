import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumericId } from '../../common/validation/numeric-id.js';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/** An id, or a code (the seed takes either for actions and methods). */
const toRef = ({ value }: { value: unknown }) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value);

export const MAX_FIELDS = 100;
export const MAX_BATCH = 100;

export class FieldsDto {
  @ApiPropertyOptional({ type: [String], description: 'The fields to return (all when absent)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FIELDS)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  fields?: string[];
}

export class IdDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;
}

export class IdFieldsDto extends FieldsDto {
  @ApiProperty({ example: 1 })
  @IsNumericId('id')
  id: string;
}

export class ActionRunDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiProperty({ example: 'enable', description: 'Action id or code' })
  @Transform(toRef)
  @IsString()
  @MaxLength(50)
  action: string;

  @ApiPropertyOptional({ type: Object, description: 'HTML form values (JSON)' })
  @IsOptional()
  @IsObject()
  form?: Record<string, unknown>;
}

export class MethodRunDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiProperty({ example: 'enabled:disable', description: 'Method id or code' })
  @Transform(toRef)
  @IsString()
  @MaxLength(100)
  method: string;

  @ApiPropertyOptional({ type: Object })
  @IsOptional()
  @IsObject()
  form?: Record<string, unknown>;
}

export class MethodGetDto {
  @ApiPropertyOptional({ description: 'Object id (its class and state)' })
  @IsOptional()
  @IsNumericId('object')
  object?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumericId('class')
  class?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumericId('state')
  state?: string;

  @ApiPropertyOptional({ example: 'client' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  classcode?: string;

  @ApiPropertyOptional({ example: 'enabled' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  statecode?: string;

  @ApiPropertyOptional({ description: 'Only the methods of this action (id); none: an empty list' })
  @IsOptional()
  @IsNumericId('action')
  action?: string;

  @ApiPropertyOptional({ example: 'invite', description: 'Only the methods of this action (code); none: an empty list' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  actioncode?: string;
}

export class MethodGetItemDto {
  @ApiProperty() id: number;
  @ApiProperty({ nullable: true }) parent: number | null;
  @ApiProperty() action: number;
  @ApiProperty() actioncode: string;
  @ApiProperty() label: string;
  @ApiProperty() visible: boolean;
}
