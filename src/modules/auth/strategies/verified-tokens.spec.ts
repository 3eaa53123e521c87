import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from './jwt-keys.js';

const NOW = 1_800_000_000_000;
const claims = (over: Record<string, number> = {}) => ({ sub: '1', exp: NOW / 1000 + 60, ...over });

describe('the verified-token memory of the bearer guard', () => {
  it('answers a token only for the key and the options that verified it', () => {
    const memory = new VerifiedTokens();
    const key = {};
    const options = {};
    memory.remember('t1', key, options, claims());
    expect(memory.recall('t1', key, options, NOW)).toEqual(claims());
    expect(memory.recall('t1', {}, options, NOW)).toBeUndefined();
    expect(memory.recall('t1', key, {}, NOW)).toBeUndefined();
    expect(memory.recall('t2', key, options, NOW)).toBeUndefined();
  });

  it('never answers a token once it has expired or before it is valid', () => {
    const memory = new VerifiedTokens();
    const key = {};
    const options = {};
    memory.remember('t1', key, options, claims());
    memory.remember('t2', key, options, claims({ nbf: NOW / 1000 + 10 }));
    memory.remember('t3', key, options, { sub: '1' });
    expect(memory.recall('t1', key, options, NOW + 60_000)).toBeUndefined();
    expect(memory.recall('t2', key, options, NOW)).toBeUndefined();
    expect(memory.recall('t2', key, options, NOW + 10_000)).toBeDefined();
    expect(memory.recall('t3', key, options, NOW)).toBeUndefined();
  });

  it('holds at most its bound, forgetting the oldest first', () => {
    const memory = new VerifiedTokens(2);
    const key = {};
    const options = {};
    for (const t of ['a', 'b', 'c']) memory.remember(t, key, options, claims());
    expect(memory.recall('a', key, options, NOW)).toBeUndefined();
    expect(memory.recall('b', key, options, NOW)).toBeDefined();
    expect(memory.recall('c', key, options, NOW)).toBeDefined();
  });
});
