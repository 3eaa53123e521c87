import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error.js';
import { parseListQuery } from '../../common/list-query/list-query.parser.js';
import { projectFields } from '../../common/list-query/result-rows.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { type AddressParts, addressString, partsOfChain, type ShortMode, type TreeLink } from './address-string.js';
import { AddressTreeRepository, TREE_COLUMNS, type TreeNodeRow } from './address-tree.repository.js';
import type { AddressTreeImport } from './entities/address-tree-import.entity.js';
import { ancestorsOf, CODE_FORMAT, codeOfId, idOf, isTreeCode, type LevelName } from './kladr-code.js';

/** What a KLADR code stands for in an address: each level's name with its abbreviation on the left, and the index. */
export interface ResolvedAddress extends Pick<AddressParts, 'index' | LevelName> {
  code: string;
  /** The tree's part of the address as one line (`address/tree/string` with short 1, level 0). */
  address: string;
}

/** The tree in force: its release and how many nodes of each level it has. */
export interface TreeRelease {
  release: string | null;
  imported: Date | null;
  import: number | null;
  counts: AddressTreeImport['counts'];
}

const notFound = (what: string) =>
  new DomainError('NOT_FOUND', { en: `${what} is not in the address tree`, ru: `${what} нет в справочнике адресов` });

/**
 * The KLADR address tree (seed 002 "КЛАДР"), and the module's public service: `resolve(code)` and
 * `string(...)` are what the `address` essence uses to fill an address from its code.
 */
@Injectable()
export class AddressTreeService {
  constructor(
    private readonly repo: AddressTreeRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(id: string, fields?: string[]): Promise<Record<string, unknown>> {
    const node = await this.repo.get(id);
    if (!node) throw notFound(`Node ${id}`);
    return projectFields([node as unknown as Record<string, unknown>], fields, Object.keys(TREE_COLUMNS))[0];
  }

  list(body: unknown): Promise<Record<string, unknown>[]> {
    return this.repo.list(parseListQuery(body, TREE_COLUMNS, this.config.list, { orderBy: ['id'] }));
  }

  /** The node and all its ancestors, node first. `id` wins over `code`. */
  async history(by: { id?: string; code?: string }): Promise<TreeNodeRow[]> {
    if (by.id === undefined && by.code === undefined) throw invalidField('id', 'id or code is required');
    const code = by.id !== undefined ? codeOfId(by.id) : checkedCode(by.code);
    const chain = code === null ? [] : await this.chain(code);
    if (chain.length === 0) throw notFound(by.id !== undefined ? `Node ${by.id}` : `Code ${code}`);
    return chain;
  }

  /** `address/tree/string`: the chain from the root down, `short` 0/1/2, ancestors above `level` cut off. */
  async string(code: string, short: ShortMode = 0, level = 0): Promise<string> {
    const chain = await this.chain(checkedCode(code));
    if (chain.length === 0) throw notFound(`Code ${code}`);
    return addressString(partsOfChain(chain.map(link), { short, level }));
  }

  /** The address parts of a code (abbreviations on the left, index included), or null when it is not in the tree. */
  async resolve(code: string): Promise<ResolvedAddress | null> {
    const chain = await this.chain(checkedCode(code));
    if (chain.length === 0) return null;
    const parts = partsOfChain(chain.map(link), { short: 1, level: 0 });
    return {
      code,
      index: parts.index ?? null,
      country: parts.country ?? null,
      region: parts.region ?? null,
      district: parts.district ?? null,
      city: parts.city ?? null,
      settlement: parts.settlement ?? null,
      street: parts.street ?? null,
      address: addressString(parts),
    };
  }

  async release(): Promise<TreeRelease> {
    const run = await this.repo.currentRelease();
    return {
      release: run?.release ?? null,
      imported: run?.finished ?? null,
      import: run ? Number(run.id) : null,
      counts: run?.counts ?? null,
    };
  }

  /** The node of `code` and its ancestors, node first; empty when the node is not in the tree. */
  private async chain(code: string): Promise<TreeNodeRow[]> {
    const rows = await this.repo.byIds([code, ...ancestorsOf(code)].map(idOf));
    return rows[0]?.code === code ? rows : [];
  }
}

function checkedCode(code: unknown): string {
  if (!isTreeCode(code)) throw invalidField('code', `must be ${CODE_FORMAT}, e.g. 01770000000000000`);
  return code;
}

const link = (n: TreeNodeRow): TreeLink => ({ level: n.level as TreeLink['level'], name: n.name, short: n.short, index: n.index });
