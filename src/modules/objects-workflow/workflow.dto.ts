import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Ids are numeric (bigint) and travel as strings inside the service. */
const ID = /^[1-9]\d{0,17}$/;
const toId = ({ value }: { value: unknown }) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value);
/** An id, or a code (the seed takes either for actions and methods). */
const toRef = ({ value }: { value: unknown }) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value);

export const MAX_FIELDS = 100;
export const MAX_BATCH = 100;

export class FieldsDto {
  @ApiPropertyOptional({ type: [String], description: 'The fields to return (all when absent)' })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_FIELDS) @IsString({ each: true }) @MaxLength(64, { each: true })
  fields?: string[];
}

export class IdDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @Transform(toId) @IsString() @Matches(ID, { message: 'id must be a positive integer' })
  id: string;
}

export class IdFieldsDto extends FieldsDto {
  @ApiProperty({ example: 1 })
  @Transform(toId) @IsString() @Matches(ID, { message: 'id must be a positive integer' })
  id: string;
}

export class ActionRunDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @Transform(toId) @IsString() @Matches(ID, { message: 'id must be a positive integer' })
  id: string;

  @ApiProperty({ example: 'enable', description: 'Action id or code' })
  @Transform(toRef) @IsString() @MaxLength(50)
  action: string;

  @ApiPropertyOptional({ type: Object, description: 'HTML form values (JSON)' })
  @IsOptional() @IsObject()
  form?: Record<string, unknown>;
}

export class MethodRunDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @Transform(toId) @IsString() @Matches(ID, { message: 'id must be a positive integer' })
  id: string;

  @ApiProperty({ example: 'enabled:disable', description: 'Method id or code' })
  @Transform(toRef) @IsString() @MaxLength(100)
  method: string;

  @ApiPropertyOptional({ type: Object })
  @IsOptional() @IsObject()
  form?: Record<string, unknown>;
}

export class MethodGetDto {
  @ApiPropertyOptional({ description: 'Object id (its class and state)' })
  @IsOptional() @Transform(toId) @IsString() @Matches(ID, { message: 'object must be a positive integer' })
  object?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toId) @IsString() @Matches(ID, { message: 'class must be a positive integer' })
  class?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toId) @IsString() @Matches(ID, { message: 'state must be a positive integer' })
  state?: string;

  @ApiPropertyOptional({ example: 'client' }) @IsOptional() @IsString() @MaxLength(50)
  classcode?: string;

  @ApiPropertyOptional({ example: 'enabled' }) @IsOptional() @IsString() @MaxLength(50)
  statecode?: string;
}

export class MethodGetItemDto {
  @ApiProperty() id: number;
  @ApiProperty({ nullable: true }) parent: number | null;
  @ApiProperty() action: number;
  @ApiProperty() actioncode: string;
  @ApiProperty() label: string;
  @ApiProperty() visible: boolean;
}
