import { describe, expect, it } from 'vitest';
import { addressString, formatNode, partsOfChain, type TreeLink } from './address-string.js';

/** Node first, as history returns it. */
const CHAIN: TreeLink[] = [
  { level: 5, name: 'Тверская', short: 'ул', index: '125009' },
  { level: 1, name: 'Москва', short: 'г', index: null },
  { level: 0, name: 'Российская Федерация', short: null, index: null },
];
const SETTLEMENT_CHAIN: TreeLink[] = [
  { level: 4, name: 'Заречье', short: 'д', index: null },
  { level: 2, name: 'Раменский', short: 'р-н', index: '140100' },
  { level: 1, name: 'Московская', short: 'обл', index: null },
  { level: 0, name: 'Российская Федерация', short: null, index: null },
];
const line = (chain: TreeLink[], short: 0 | 1 | 2 = 0, level = 0) => addressString(partsOfChain(chain, { short, level }));

describe('address strings', () => {
  it('writes the abbreviation not at all, on the left or on the right', () => {
    expect(formatNode({ name: 'Москва', short: 'г' }, 0)).toBe('Москва');
    expect(formatNode({ name: 'Москва', short: 'г' }, 1)).toBe('г. Москва');
    expect(formatNode({ name: 'Москва', short: 'г' }, 2)).toBe('Москва г.');
    expect(formatNode({ name: 'Российская Федерация', short: null }, 1)).toBe('Российская Федерация');
  });

  it('joins the chain from the root down, index first when nothing is cut', () => {
    expect(line(CHAIN)).toBe('125009, Российская Федерация, Москва, Тверская');
    expect(line(CHAIN, 1)).toBe('125009, Российская Федерация, г. Москва, ул. Тверская');
    expect(line(CHAIN, 2)).toBe('125009, Российская Федерация, Москва г., Тверская ул.');
  });

  it('level cuts off the ancestors above it, and the index with them', () => {
    expect(line(CHAIN, 1, 1)).toBe('г. Москва, ул. Тверская');
    expect(line(CHAIN, 1, 2)).toBe('ул. Тверская');
    expect(line(SETTLEMENT_CHAIN, 2, 2)).toBe('Раменский р-н, Заречье д.');
    // the node itself stays whatever the level
    expect(line(SETTLEMENT_CHAIN, 0, 5)).toBe('Заречье');
  });

  it('takes the nearest postal index up the chain', () => {
    expect(line(SETTLEMENT_CHAIN, 1)).toBe('140100, Российская Федерация, обл. Московская, р-н Раменский, д. Заречье');
  });

  it('adds house, building, structure and apartment the Russian way, skipping empty parts', () => {
    const parts = { ...partsOfChain(CHAIN, { short: 1 }), house: '7', building: '2', structure: '', apartment: '15' };
    expect(addressString(parts)).toBe('125009, Российская Федерация, г. Москва, ул. Тверская, д. 7, корп. 2, кв. 15');
    expect(addressString({ city: 'г. Тула', structure: '3' })).toBe('г. Тула, стр. 3');
    expect(addressString({})).toBe('');
  });
});
