import { describe, expect, it } from 'vitest';
import { normalizePin, portalIds, pushData, requiredDatetime, requiredEmail, requiredText } from './callbacks.rules.js';
import { portalTime } from './portal-sessions.service.js';

describe("seed 001's field rules", () => {
  it('a PIN is four digits, or a number 0..9999 whose leading zeros were lost in JSON', () => {
    expect(['1234', '0000', '0042'].map(normalizePin)).toEqual(['1234', '0000', '0042']);
    expect([1234, 42, 0, 9999].map(normalizePin)).toEqual(['1234', '0042', '0000', '9999']);
    for (const bad of ['123', '12345', ' 1234', '12a4', '١٢٣٤', 10000, -1, 1.5, Number.NaN, null, true, {}, ['1234']]) {
      expect(normalizePin(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('texts: required, a string, bounded, single-line', () => {
    const rule = requiredText('tab_no', 5);
    expect([undefined, null, '', '   '].map(rule)).toEqual(Array(4).fill('The tab_no field is required.'));
    expect(rule(5)).toBe('The tab_no must be a string.');
    expect(rule('123456')).toBe('The tab_no may not be greater than 5 characters.');
    expect(rule('a\nb')).toBe('The tab_no must not contain control characters.');
    expect(rule('a\u007fb')).toBe('The tab_no must not contain control characters.');
    expect(rule('12345')).toBeUndefined();
  });

  it('e-mails, dates, data and user lists', () => {
    expect(requiredEmail('ad_login')('ivanov@osnova.ru')).toBeUndefined();
    expect(['ivanov', 'a@b', 'a b@c.d', '@c.d'].map(requiredEmail('ad_login'))).toEqual(
      Array(4).fill('The ad_login must be a valid email address.'),
    );
    // The API's one date rule: the seed's form, ISO 8601, DD.MM.YYYY and epoch milliseconds.
    expect(['2019-11-25 11:43:22', '2019-11-25T11:43:22+03:00', '25.11.2019', 1574682202000].map(requiredDatetime('created_at'))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(requiredDatetime('created_at')('31.02.2019')).toMatch(/not a valid date/);
    expect(requiredDatetime('created_at')('yesterday')).toMatch(/not a valid date/);
    expect(pushData('data')({ id: 'x', more: [1] })).toBeUndefined();
    expect(pushData('data')({ id: 7 })).toBeUndefined();
    expect(pushData('data')([])).toBe('The data must be an object.');
    expect(pushData('data')({ id: 1.5 })).toMatch(/must be a string of at most 100 characters or an integer/);
    expect(pushData('data')({ id: { a: 1 } })).toMatch(/must be a string of at most 100 characters or an integer/);
    expect(portalIds('users', 2)(['a', 'b'])).toBeUndefined();
    expect(portalIds('users', 2)(['a', 'b', 'c'])).toBe('The users may not have more than 2 items.');
    expect(portalIds('users', 2)([])).toBe('The users must be a non-empty array.');
    expect(portalIds('users', 2)(['a', 3])).toBe('The users.1 must be a string of 1 to 100 characters.');
  });

  it("the seed's times: YYYY-MM-DD HH:MM:SS in UTC", () => {
    expect(portalTime(new Date('2019-11-25T20:23:00.999Z'))).toBe('2019-11-25 20:23:00');
  });
});
