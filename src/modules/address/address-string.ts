import { LEVELS, type Level, type LevelName } from './kladr-code.js';

/** How a node's abbreviation is written (seed: `short` 0 no, 1 left, 2 right). */
export type ShortMode = 0 | 1 | 2;

/** What the string needs of a tree node. */
export interface TreeLink {
  level: Level;
  name: string;
  short: string | null;
  index: string | null;
}

/** The parts of a postal address, as the `address` essence keeps them (seed 002 "Адрес (`address`)"). */
export interface AddressParts extends Partial<Record<LevelName, string | null>> {
  index?: string | null;
  house?: string | null;
  building?: string | null;
  structure?: string | null;
  apartment?: string | null;
}

/**
 * A KLADR SOCR as written in an address: a plain truncation gets its period (`г` -> `г.`, `обл` -> `обл.`); one
 * that is already marked (`р-н`, `п/ст`, `ж/д_ст`, or ending with a period) is written as it is, not `р-н.`.
 */
function abbreviated(socr: string): string {
  return /^\p{L}+$/u.test(socr) ? `${socr}.` : socr;
}

/** `Москва` (0), `г. Москва` (1) or `Москва г.` (2); a node with no abbreviation is its name. */
export function formatNode(node: Pick<TreeLink, 'name' | 'short'>, short: ShortMode): string {
  if (!node.short || short === 0) return node.name;
  const abbreviation = abbreviated(node.short);
  return short === 1 ? `${abbreviation} ${node.name}` : `${node.name} ${abbreviation}`;
}

/**
 * The address parts a tree node stands for: each level's name written as `short` says, the levels above
 * `level` cut off (the node itself always stays), and the postal index (the nearest one up the chain) only when
 * nothing is cut, as the seed's `address/tree/string` does.
 */
export function partsOfChain(chain: readonly TreeLink[], options: { short?: ShortMode; level?: number } = {}): AddressParts {
  const short = options.short ?? 0;
  const cut = options.level ?? 0;
  const [node] = chain;
  const parts: AddressParts = {};
  for (const link of chain) if (link === node || link.level >= cut) parts[LEVELS[link.level]] = formatNode(link, short);
  if (cut === 0) parts.index = chain.find((link) => link.index)?.index ?? null;
  return parts;
}

const HOUSE_PARTS = [
  ['house', 'д.'],
  ['building', 'корп.'],
  ['structure', 'стр.'],
  ['apartment', 'кв.'],
] as const;

/**
 * An address as one line in the Russian way: index first, then country down to street, then `д. N`,
 * `корп. N`, `стр. N`, `кв. N`; empty parts are left out. The tree string and the `address` essence's
 * string are both this.
 */
export function addressString(parts: AddressParts): string {
  const items: string[] = [];
  const add = (value: string | null | undefined) => {
    const text = value?.trim();
    if (text) items.push(text);
  };
  add(parts.index);
  for (const level of LEVELS) add(parts[level]);
  for (const [key, label] of HOUSE_PARTS) {
    const value = parts[key]?.trim();
    if (value) items.push(`${label} ${value}`);
  }
  return items.join(', ');
}
