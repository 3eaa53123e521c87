import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { ColumnSpec } from '../../../common/list-query/list-query.types.js';
import { IsNumericId } from '../../../common/validation/numeric-id.js';
import { invalidField } from '../../../common/validation/validation.pipe.js';
import { addressString } from '../../address/address-string.js';
import { AddressTreeService } from '../../address/address-tree.service.js';
import { defineEssence, type EssenceSetBody } from './essence-definition.js';

/** The parts of an address the tree fills from a code (levels and postal index), then the house parts. */
const TREE_PARTS = ['index', 'country', 'region', 'district', 'city', 'settlement', 'street'] as const;
const HOUSE_PARTS = ['house', 'building', 'structure', 'apartment'] as const;
export const ADDRESS_PARTS = [...TREE_PARTS, ...HOUSE_PARTS] as const;
type Part = (typeof ADDRESS_PARTS)[number];

const TEXT = (max: number) => [IsOptional(), IsString(), MaxLength(max)];
const apply =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((d) => d(target, key));

/** Seed 002 "Адрес (`address`)": with a KLADR `code` the tree fills index and country..street unless given. */
export class AddressSetDto implements EssenceSetBody {
  @ApiPropertyOptional({ description: 'Required to change an address' })
  @IsOptional()
  @IsNumericId('id')
  id?: string | null;

  @ApiPropertyOptional({ description: 'The object the address belongs to (a client, for example)' })
  @IsOptional()
  @IsNumericId('parent')
  parent?: string | null;

  @ApiPropertyOptional({ enum: ['post', 'actual', 'legal', 'registration', 'residence', 'delivery'], default: 'post' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  type?: string;

  @ApiPropertyOptional({ example: '01770000000072700', description: 'KLADR code ФФ СС РРР ГГГ ППП УУУУ (17 digits)' })
  @IsOptional()
  @Matches(/^\d{17}$/, { message: 'code must be 17 digits ФФ СС РРР ГГГ ППП УУУУ' })
  code?: string;

  @ApiPropertyOptional({ example: '101000', description: 'Postal index' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'index must be 6 digits' })
  index?: string | null;

  @ApiPropertyOptional({ example: 'Россия' }) @apply(...TEXT(200)) country?: string | null;
  @ApiPropertyOptional({ example: 'г. Москва' }) @apply(...TEXT(200)) region?: string | null;
  @ApiPropertyOptional() @apply(...TEXT(200)) district?: string | null;
  @ApiPropertyOptional() @apply(...TEXT(200)) city?: string | null;
  @ApiPropertyOptional() @apply(...TEXT(200)) settlement?: string | null;
  @ApiPropertyOptional({ example: 'ул. Тверская' }) @apply(...TEXT(200)) street?: string | null;
  @ApiPropertyOptional({ example: '1' }) @apply(...TEXT(50)) house?: string | null;
  @ApiPropertyOptional({ example: '2' }) @apply(...TEXT(50)) building?: string | null;
  @ApiPropertyOptional({ example: '3' }) @apply(...TEXT(50)) structure?: string | null;
  @ApiPropertyOptional({ example: '15' }) @apply(...TEXT(50)) apartment?: string | null;

  @ApiPropertyOptional({ description: 'The full address; built from the parts when not given' })
  @apply(...TEXT(1000))
  address?: string | null;

  @ApiPropertyOptional()
  @apply(...TEXT(4000))
  description?: string | null;
}

const text = (sql: string): ColumnSpec => ({ sql, type: 'text' });

/**
 * Seed 002's address document. Set with a `code`, the KLADR tree (AddressTreeService.resolve, issue 13) fills
 * `index` and `country`..`street` (abbreviations on the left: `г. Москва`), unless the body gives them; `address`,
 * unless given, is built by the one address-string builder (index first, then `д.`, `корп.`, `стр.`, `кв.`), and
 * rebuilt when a change touches a part. `address/get/string` answers the same builder over the stored parts.
 */
export const addressEssence = defineEssence<AddressSetDto>({
  code: 'address',
  kind: 'document',
  table: 'address',
  columns: () => ({
    code: text('base.code'),
    index: text('base.index'),
    country: text('base.country'),
    region: text('base.region'),
    district: text('base.district'),
    city: text('base.city'),
    settlement: text('base.settlement'),
    street: text('base.street'),
    house: text('base.house'),
    building: text('base.building'),
    structure: text('base.structure'),
    apartment: text('base.apartment'),
    address: text('base.address'),
  }),
  setDto: AddressSetDto,
  defaultType: 'post',
  setSummary: 'Create an address (no id) or change the given keys; a KLADR code fills index and region..street',
  async row({ body: b, create, get, current }) {
    const row: Record<string, string | null | undefined> = { code: b.code };
    for (const part of ADDRESS_PARTS) row[part] = b[part];
    if (b.code !== undefined) {
      const resolved = await get(AddressTreeService).resolve(b.code);
      if (!resolved) throw invalidField('code', `${b.code} is not in the address tree`);
      for (const part of TREE_PARTS) if (b[part] === undefined) row[part] = resolved[part] ?? null;
    }
    if (b.address !== undefined) row.address = b.address;
    else if (create) row.address = addressString(row) || null;
    else if (ADDRESS_PARTS.some((part) => row[part] !== undefined)) {
      const stored = (await current()) ?? {};
      const merged = Object.fromEntries(ADDRESS_PARTS.map((p: Part) => [p, row[p] !== undefined ? row[p] : (stored[p] as string | null)]));
      row.address = addressString(merged) || null;
    }
    return row;
  },
  label: (_b, row) => (row.address === undefined ? undefined : ((row.address as string | null)?.slice(0, 500) ?? null)),
});

/** `address/get/string`: the stored parts as one line (the same builder as the tree's strings). */
export function addressLine(row: Record<string, unknown>): string {
  return addressString(row);
}
