import { Injectable } from '@nestjs/common';
import { StatementParams } from '../../common/database/statement-parts.js';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { type ClassRow, SqlValue } from './essences/essence-definition.js';
import type { ObjectRowPart } from './workflow.repository.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Table and column names come from essence definitions (trusted code), and are checked to need no quoting. */
function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`essence identifier ${JSON.stringify(name)} is not a plain lower-case name`);
  return name;
}

/** The given columns (undefined values left out) as names and bound placeholders, in `params`. */
function given(row: ClassRow, params: StatementParams): { names: string[]; placeholders: string[] } {
  const names: string[] = [];
  const placeholders: string[] = [];
  for (const [column, value] of Object.entries(row)) {
    if (value === undefined) continue;
    names.push(identifier(column));
    const placeholder = params.add(value instanceof SqlValue ? value.value : value);
    placeholders.push(value instanceof SqlValue ? value.sql.replace('?', placeholder) : placeholder);
  }
  return { names, placeholders };
}

/**
 * The writes of every essence's rows: its class table, its parent class table (`document` or `reference`), and
 * the object's type and parent. In the current unit of work.
 */
@Injectable()
export class EssenceRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** A new object's row in `table`, as a part of the object's INSERT (WorkflowRepository.insertObject). */
  insertPart(table: string, row: ClassRow): ObjectRowPart {
    return (params, id) => {
      const { names, placeholders } = given(row, params);
      return `INSERT INTO ${identifier(table)} (id${names.map((n) => `, ${n}`).join('')}) VALUES (${id}${placeholders.map((p) => `, ${p}`).join('')})`;
    };
  }

  /** Writes the given columns; nothing when none is given. */
  async updateRow(table: string, id: string, row: ClassRow): Promise<void> {
    const params = new StatementParams();
    const key = params.add(id);
    const { names, placeholders } = given(row, params);
    if (names.length === 0) return;
    await this.uow.manager.query(
      `UPDATE ${identifier(table)} SET ${names.map((n, i) => `${n} = ${placeholders[i]}`).join(', ')} WHERE id = ${key}`,
      params.values,
    );
  }

  async row(table: string, id: string): Promise<Record<string, unknown> | undefined> {
    const [row] = await this.uow.manager.query<Record<string, unknown>[]>(`SELECT * FROM ${identifier(table)} WHERE id = $1`, [id]);
    return row;
  }

  async objectExists(id: string): Promise<boolean> {
    const [row] = await this.uow.manager.query<unknown[]>(`SELECT 1 FROM object WHERE id = $1`, [id]);
    return row !== undefined;
  }

  async setType(id: string, typeId: string): Promise<void> {
    await this.uow.manager.query(`UPDATE object SET type_id = $2 WHERE id = $1`, [id, typeId]);
  }

  async setParent(id: string, parentId: string | null): Promise<void> {
    await this.uow.manager.query(`UPDATE object SET parent_id = $2 WHERE id = $1`, [id, parentId]);
  }
}
