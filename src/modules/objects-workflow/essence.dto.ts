import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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
