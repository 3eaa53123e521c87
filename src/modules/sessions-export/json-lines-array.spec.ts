import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { JsonLinesToArray } from './json-lines-array.js';

async function run(chunks: Buffer[]): Promise<string> {
  const out = new JsonLinesToArray();
  const [, bytes] = await Promise.all([pipeline(Readable.from(chunks), out), buffer(out)]);
  return bytes.toString('utf8');
}

const ITEMS = [{ a: 'Иван "😀"\n\\' }, { b: null }, { c: 'ёж,\t' }, {}];
const LINES = Buffer.from(ITEMS.map((i) => `${JSON.stringify(i)}\n`).join(''));

describe('JsonLinesToArray', () => {
  it('a chunk of a newline alone', async () => {
    expect(await run([Buffer.from('{"x":1}'), Buffer.from('\n'), Buffer.from('{"y":2}\n')])).toBe('[{"x":1},{"y":2}]');
  });

  it('no lines: []', async () => {
    expect(await run([])).toBe('[]');
    expect(await run([Buffer.alloc(0)])).toBe('[]');
  });

  it('one chunk, one line', async () => {
    expect(await run([Buffer.from('{"x":1}\n')])).toBe('[{"x":1}]');
  });

  it('cut at every byte (inside multibyte characters, before and after each newline): the same array', async () => {
    const expected = JSON.stringify(ITEMS);
    expect(await run([Buffer.from(LINES)])).toBe(expected);
    for (let cut = 0; cut <= LINES.length; cut++) {
      const copy = Buffer.from(LINES);
      expect(await run([copy.subarray(0, cut), copy.subarray(cut)])).toBe(expected);
    }
    expect(await run([...LINES].map((b) => Buffer.from([b])))).toBe(expected);
  });
});

describe('JsonLinesToArray passed', () => {
  it('hears the length of every chunk it takes', async () => {
    const lengths: number[] = [];
    const out = new JsonLinesToArray((n) => lengths.push(n));
    const chunks = [Buffer.from('{"x":1}\n{"y"'), Buffer.alloc(0), Buffer.from(':2}\n')];
    await Promise.all([pipeline(Readable.from(chunks), out), buffer(out)]);
    expect(lengths).toEqual([12, 4]);
  });
});
