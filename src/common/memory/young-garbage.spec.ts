import { describe, expect, it } from 'vitest';
import { youngCollector } from './young-garbage.js';

describe('youngCollector', () => {
  it('collects the young generation once per `everyBytes` passed, however the bytes are cut', () => {
    const calls: unknown[] = [];
    const meter = youngCollector(100, (options) => calls.push(options));
    meter(99);
    expect(calls).toEqual([]);
    meter(1);
    expect(calls).toEqual([{ type: 'minor' }]);
    for (let i = 0; i < 250; i++) meter(1);
    expect(calls).toHaveLength(3);
    meter(1_000);
    expect(calls).toHaveLength(4);
  });
});
