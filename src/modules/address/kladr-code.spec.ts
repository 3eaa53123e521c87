import { describe, expect, it } from 'vitest';
import {
  ancestorsOf,
  codeOfId,
  idOf,
  isTreeCode,
  levelOf,
  parentOf,
  parseTreeCode,
  placeCode,
  ROOT_CODE,
  segmentsOf,
  streetCode,
} from './kladr-code.js';

// ФФ СС РРР ГГГ ППП УУУУ
const COUNTRY = '01000000000000000';
const MOSCOW = '01770000000000000';
const MOSCOW_STREET = '01770000000000123';
const REGION = '01500000000000000';
const DISTRICT = '01500120000000000';
const CITY_IN_DISTRICT = '01500120010000000';
const SETTLEMENT_IN_CITY = '01500120010020000';
const SETTLEMENT_IN_DISTRICT = '01500120000030000';
const STREET_IN_SETTLEMENT = '01500120000030045';
const CITY_IN_REGION = '01500000040000000';

describe('KLADR code arithmetic', () => {
  it('splits a code into its six segments', () => {
    expect(segmentsOf(STREET_IN_SETTLEMENT)).toEqual(['01', '50', '012', '000', '003', '0045']);
  });

  it('levels: the position of the last non-zero segment', () => {
    expect(levelOf(COUNTRY)).toBe(0);
    expect(levelOf(MOSCOW)).toBe(1);
    expect(levelOf(DISTRICT)).toBe(2);
    expect(levelOf(CITY_IN_DISTRICT)).toBe(3);
    expect(levelOf(CITY_IN_REGION)).toBe(3);
    expect(levelOf(SETTLEMENT_IN_CITY)).toBe(4);
    expect(levelOf(SETTLEMENT_IN_DISTRICT)).toBe(4);
    expect(levelOf(MOSCOW_STREET)).toBe(5);
    expect(levelOf(STREET_IN_SETTLEMENT)).toBe(5);
  });

  it('parent: the node of the previous non-zero segment, skipping empty levels', () => {
    expect(parentOf(COUNTRY)).toBeNull();
    expect(parentOf(MOSCOW)).toBe(COUNTRY);
    expect(parentOf(MOSCOW_STREET)).toBe(MOSCOW); // a street straight under a region-level city
    expect(parentOf(CITY_IN_REGION)).toBe(REGION); // no district
    expect(parentOf(CITY_IN_DISTRICT)).toBe(DISTRICT);
    expect(parentOf(SETTLEMENT_IN_CITY)).toBe(CITY_IN_DISTRICT);
    expect(parentOf(SETTLEMENT_IN_DISTRICT)).toBe(DISTRICT); // no city
    expect(parentOf(STREET_IN_SETTLEMENT)).toBe(SETTLEMENT_IN_DISTRICT);
  });

  it('ancestors nearest first, the country last', () => {
    expect(ancestorsOf(STREET_IN_SETTLEMENT)).toEqual([SETTLEMENT_IN_DISTRICT, DISTRICT, REGION, COUNTRY]);
    expect(ancestorsOf(COUNTRY)).toEqual([]);
  });

  it('accepts exactly 17 digits with a non-zero country', () => {
    expect(isTreeCode(MOSCOW)).toBe(true);
    expect(ROOT_CODE).toBe(COUNTRY);
    for (const bad of [
      '',
      '0177000000000000',
      '017700000000000000',
      '0177000000000000a',
      '00770000000000000',
      ' 01770000000000000',
      1770000000000000,
      null,
    ]) {
      expect(isTreeCode(bad)).toBe(false);
    }
    expect(parseTreeCode('77')).toBeNull();
    expect(parseTreeCode(CITY_IN_DISTRICT)).toEqual({
      code: CITY_IN_DISTRICT,
      level: 3,
      parent: DISTRICT,
      segments: ['01', '50', '012', '001', '000', '0000'],
    });
  });

  it('ids are codes read as numbers, exact in JSON, and back', () => {
    expect(idOf(MOSCOW)).toBe('1770000000000000');
    expect(codeOfId('1770000000000000')).toBe(MOSCOW);
    expect(Number.isSafeInteger(Number(idOf('01999999999999999')))).toBe(true);
    expect(codeOfId('0')).toBeNull();
    expect(codeOfId('123')).toBeNull(); // country 00
    expect(codeOfId('123456789012345678')).toBeNull();
  });

  it('reads the codes of the official files, splitting off the actuality flag', () => {
    expect(placeCode('7700000000000')).toEqual({ code: MOSCOW, actuality: '00' });
    expect(placeCode('5001200100251')).toEqual({ code: SETTLEMENT_IN_CITY, actuality: '51' });
    expect(placeCode('770000000000')).toBeNull();
    expect(placeCode('0000000000000')).toBeNull();
    expect(streetCode('77000000000001200')).toEqual({ code: '01770000000000012', actuality: '00' });
    expect(streetCode('77000000000000000')).toBeNull(); // no street segment
    expect(streetCode('7700000000000120')).toBeNull();
  });
});
