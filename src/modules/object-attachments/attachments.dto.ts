import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { IsTimestamp } from '../../common/validation/dates.js';
import { IsNumericId, numericId } from '../../common/validation/numeric-id.js';
import { AddressSetDto } from '../objects-workflow/essences/address.essence.js';
import { FieldsDto } from '../objects-workflow/workflow.dto.js';

/** Most items (files, data, coordinates, addresses) one request may carry. */
export const MAX_ITEMS = 100;

export class FileItemDto {
  @ApiProperty({ example: '/docs/contract.pdf', description: 'The file’s name on the server, with its path: the key of the file' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  name: string;

  @ApiPropertyOptional({ example: '/docs/', description: 'Only the path (on the server)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  path?: string | null;

  @ApiPropertyOptional({
    example: 1024,
    description: 'Size in bytes. Absent or 0: the file is deleted. With `data`: must be its decoded length',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  size?: number | null;

  @ApiPropertyOptional({ description: 'The file’s date and time (epoch milliseconds or ISO 8601)' })
  @IsOptional()
  @IsTimestamp('date')
  date?: Date | null;

  @ApiPropertyOptional({
    description: 'The content, base64 (at most FILE_MAX_BYTES decoded). Absent: the file is a link to `name` on the server',
  })
  @IsOptional()
  @IsString()
  data?: string | null;

  @ApiPropertyOptional({ description: 'SHA-256 of the content (hex); refused when it does not match. Without `data`: kept as given' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  hash?: string | null;
}

export class ObjectFileDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiPropertyOptional({ type: [FileItemDto], nullable: true, description: 'Absent or null: answers the files (get); else sets them' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => FileItemDto)
  files?: FileItemDto[] | null;
}

export class FilesSetDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiProperty({ type: [FileItemDto] })
  @IsArray()
  @ArrayMaxSize(MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => FileItemDto)
  files: FileItemDto[];
}

export class FilesGetDto extends FieldsDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiProperty({ example: '/docs/contract.pdf', description: 'The file’s name on the server (with its path)' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  name: string;
}

export class FileContentQueryDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiProperty({ example: '/docs/contract.pdf', description: 'The file’s name on the server (with its path)' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  name: string;
}

export const DATA_TYPES = ['text', 'json', 'xml'] as const;

export class DataItemDto {
  @ApiProperty({ enum: DATA_TYPES, description: 'The kind of data: json must parse, xml must be well-formed' })
  @IsIn(DATA_TYPES)
  type: (typeof DATA_TYPES)[number];

  @ApiProperty({ example: 'settings', description: 'The data’s code (unique per object and type)' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  code: string;

  @ApiPropertyOptional({ nullable: true, description: 'The data (a string). Absent or null: deleted' })
  @IsOptional()
  @IsString()
  data?: string | null;
}

export class ObjectDataDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiPropertyOptional({
    type: [DataItemDto],
    nullable: true,
    description: 'Absent or null: answers the object’s data (get); else sets it',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => DataItemDto)
  data?: DataItemDto[] | null;
}

export class DataSetDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiProperty({ type: [DataItemDto] })
  @IsArray()
  @ArrayMaxSize(MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => DataItemDto)
  data: DataItemDto[];
}

export class DataGetDto extends FieldsDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiPropertyOptional({ example: 2, description: 'The data type’s id (or give typecode)' })
  @IsOptional()
  @IsNumericId('type')
  type?: string;

  @ApiPropertyOptional({ enum: DATA_TYPES, description: 'The data type’s code (or give type)' })
  @IsOptional()
  @IsIn(DATA_TYPES)
  typecode?: string;

  @ApiProperty({ example: 'settings' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  code: string;
}

export class CoordinateDto {
  @ApiPropertyOptional({ example: 'default', default: 'default', description: 'Code of the series (several per object)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(30)
  code?: string | null;

  @ApiProperty({ example: 55.7558, minimum: -90, maximum: 90 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude: number;

  @ApiProperty({ example: 37.6173, minimum: -180, maximum: 180 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude: number;

  @ApiPropertyOptional({ example: 150, description: 'Accuracy (height above sea level)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-1e9)
  @Max(1e9)
  accuracy?: number | null;

  @ApiPropertyOptional({ example: 'Офис' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
}

export class ObjectGeolocationDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiPropertyOptional({
    type: [CoordinateDto],
    nullable: true,
    description: 'Absent or null: answers the latest points (get); else adds them',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => CoordinateDto)
  coordinates?: CoordinateDto[] | null;
}

export class GeolocationSetDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiProperty({ type: [CoordinateDto] })
  @IsArray()
  @ArrayMaxSize(MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => CoordinateDto)
  coordinates: CoordinateDto[];
}

export class ObjectAddressDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiPropertyOptional({
    type: [AddressSetDto],
    nullable: true,
    description:
      'Absent or null: answers the links in force (get). Else each item without `id` creates an address object, with `id` changes it (the `address` essence), and links it from the session’s oper_date (or now)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => AddressSetDto)
  addresses?: AddressSetDto[] | null;
}

export class AddressLinkSetDto {
  @ApiProperty({ example: 1, description: 'Object id' })
  @IsNumericId('id')
  id: string;

  @ApiProperty({
    oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }],
    example: 5,
    description: 'The address object’s id (or an array of them, one per address type)',
  })
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value : [value]).map((v: unknown) => numericId(v) ?? v))
  @ValidateBy({
    name: 'isAddressIds',
    validator: {
      validate: (v: unknown) =>
        Array.isArray(v) && v.length >= 1 && v.length <= MAX_ITEMS && v.every((x) => typeof x === 'string' && numericId(x) === x),
      defaultMessage: () => `address must be an address id, or an array of 1..${MAX_ITEMS} of them`,
    },
  })
  address: string[];

  @ApiPropertyOptional({ example: '2026-05-01T00:00:00Z', description: 'Start of the link; default the session’s oper_date, or now' })
  @IsOptional()
  @IsTimestamp('datefrom')
  datefrom?: Date;
}
