import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsNumericId } from '../../common/validation/numeric-id.js';
import { TREE_COLUMNS } from './address-tree.repository.js';
import { CODE_FORMAT } from './kladr-code.js';

/** Form bodies carry numbers as text. */
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value);

const CODE_EXAMPLE = '01770000000000000';

export class TreeGetDto {
  @ApiProperty({ description: 'Node id (the code read as a number)', example: 1770000000000000 })
  @IsNumericId('id')
  id: string;

  @ApiPropertyOptional({ type: [String], enum: Object.keys(TREE_COLUMNS), description: 'Fields to return; all when absent' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  fields?: string[];
}

export class TreeHistoryDto {
  @ApiPropertyOptional({ description: 'Node id; wins over `code`', example: 1770000000000000 })
  @IsOptional()
  @IsNumericId('id')
  id?: string;

  @ApiPropertyOptional({ description: `Code: ${CODE_FORMAT}`, example: CODE_EXAMPLE })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  code?: string;
}

export class TreeStringDto {
  @ApiProperty({ description: `Code: ${CODE_FORMAT}`, example: CODE_EXAMPLE })
  @IsString()
  @MaxLength(100)
  code: string;

  @ApiPropertyOptional({ enum: [0, 1, 2], default: 0, description: 'Abbreviation: 0 none, 1 left (`г. Москва`), 2 right (`Москва г.`)' })
  @IsOptional()
  @Transform(toInt)
  @IsIn([0, 1, 2], { message: 'short must be 0, 1 or 2' })
  short?: 0 | 1 | 2;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 5,
    default: 0,
    description: 'Leave out the ancestors above this level (0 country .. 5 street); the postal index comes first only at 0',
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(5)
  level?: number;
}

export class TreeStringResponseDto {
  @ApiProperty({ example: '125009, Российская Федерация, г. Москва, ул. Тверская' })
  address: string;
}

export class TreeNodeDto {
  @ApiProperty({ example: 1770000000000000, description: 'The code read as a number: the same in every release' }) id: number;
  @ApiProperty({ example: 1000000000000000, nullable: true, type: Number }) parent: number | null;
  @ApiProperty({ example: CODE_EXAMPLE, description: CODE_FORMAT }) code: string;
  @ApiProperty({ example: 'Москва' }) name: string;
  @ApiProperty({ example: 'г', nullable: true, type: String, description: 'Abbreviation (KLADR SOCR)' }) short: string | null;
  @ApiProperty({ example: 'Город', nullable: true, type: String, description: 'Its full form (SOCRBASE)' }) typename: string | null;
  @ApiProperty({ example: 1, description: '0 country, 1 region, 2 district, 3 city, 4 settlement, 5 street' }) level: number;
  @ApiProperty({ example: '101000', nullable: true, type: String, description: 'Postal index' }) index: string | null;
  @ApiProperty({ example: '45000000000', nullable: true, type: String, description: 'OKATO' }) okato: string | null;
  @ApiProperty({ example: '2026-05-04', description: 'The release the node came from' }) release: string;
}

export class TreeImportDto {
  @ApiProperty({ description: 'A directory of DBF files or an archive (Base.7z), relative to KLADR_IMPORT_DIR', example: 'Base.7z' })
  @IsString()
  @MaxLength(1000)
  source: string;
}

export class TreeImportGetDto {
  @ApiPropertyOptional({ description: 'The run; the latest one when absent' })
  @IsOptional()
  @IsNumericId('id')
  id?: string;
}

export class TreeImportStartedDto {
  @ApiProperty({ example: 3 }) id: number;
  @ApiProperty({ example: 'running' }) status: string;
}
