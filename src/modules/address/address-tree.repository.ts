import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { compileListQuery } from '../../common/list-query/list-query.compiler.js';
import type { ColumnMap, ListQuery } from '../../common/list-query/list-query.types.js';
import type { AddressTreeImport } from './entities/address-tree-import.entity.js';

/** The fields of a tree node, as `address/tree/get|list|history` answer them. */
export const TREE_COLUMNS: ColumnMap = {
  id: { sql: 'n.id', type: 'integer' },
  parent: { sql: 'n.parent', type: 'integer' },
  code: { sql: 'n.code', type: 'text' },
  name: { sql: 'n.name', type: 'text' },
  short: { sql: 'n.short', type: 'text' },
  typename: { sql: 'n.typename', type: 'text' },
  level: { sql: 'n.level', type: 'integer' },
  index: { sql: 'n.index', type: 'text' },
  okato: { sql: 'n.okato', type: 'text' },
  release: { sql: 'n.release', type: 'date' },
};

export interface TreeNodeRow {
  id: number;
  parent: number | null;
  code: string;
  name: string;
  short: string | null;
  typename: string | null;
  level: number;
  index: string | null;
  okato: string | null;
  release: string;
}

const SELECT_ALL = Object.entries(TREE_COLUMNS)
  .map(([name, c]) => `${c.sql} AS "${name}"`)
  .join(', ');

/** pg hands bigint as text and date as a local-midnight Date; the API shows numbers and `YYYY-MM-DD`. */
function present(row: Record<string, unknown>): Record<string, unknown> {
  const out = { ...row };
  for (const key of ['id', 'parent']) if (typeof out[key] === 'string') out[key] = Number(out[key]);
  if (out.release instanceof Date) out.release = dateText(out.release);
  return out;
}

export function dateText(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Reads of the address tree and of its import log. */
@Injectable()
export class AddressTreeRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async get(id: string): Promise<TreeNodeRow | null> {
    const [row] = await this.uow.manager.query<Record<string, unknown>[]>(`SELECT ${SELECT_ALL} FROM address_tree n WHERE n.id = $1`, [id]);
    return row ? (present(row) as unknown as TreeNodeRow) : null;
  }

  /** The nodes of the given ids, deepest first (a node and its ancestors: the history order). */
  async byIds(ids: string[]): Promise<TreeNodeRow[]> {
    const rows = await this.uow.manager.query<Record<string, unknown>[]>(
      `SELECT ${SELECT_ALL} FROM address_tree n WHERE n.id = ANY($1::bigint[]) ORDER BY n.level DESC`,
      [ids],
    );
    return rows.map(present) as unknown as TreeNodeRow[];
  }

  async list(q: ListQuery): Promise<Record<string, unknown>[]> {
    const c = compileListQuery(q, TREE_COLUMNS);
    const rows = await this.uow.manager.query<Record<string, unknown>[]>(
      `SELECT ${c.select} FROM address_tree n${c.where ? ` WHERE ${c.where}` : ''}${c.orderBy ? ` ORDER BY ${c.orderBy}` : ''} LIMIT ${c.limit} OFFSET ${c.offset}`,
      c.params,
    );
    return rows.map(present);
  }

  /** The import that built the tree in force (the last one done), or null before the first. */
  async currentRelease(): Promise<AddressTreeImport | null> {
    return this.importWhere(`status = 'done' ORDER BY finished DESC, id DESC`);
  }

  /** One import run by id, or the latest one. */
  async importRun(id?: string): Promise<AddressTreeImport | null> {
    return id ? this.importWhere(`id = $1`, [id]) : this.importWhere(`TRUE ORDER BY id DESC`);
  }

  private async importWhere(where: string, params: unknown[] = []): Promise<AddressTreeImport | null> {
    const [row] = await this.uow.manager.query<AddressTreeImport[]>(
      `SELECT id, source, status, started, finished, to_char(release, 'YYYY-MM-DD') AS release, done, total, counts, rejections, error,
              user_id AS "userId"
         FROM address_tree_import WHERE ${where} LIMIT 1`,
      params,
    );
    return row ?? null;
  }
}
