import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { uniqueViolation } from '../../common/errors/unique-violation.js';
import type { ImportCounts, Rejection } from './entities/address-tree-import.entity.js';

const TREE = 'address_tree';
const NEXT = 'address_tree_next';
/** The advisory lock key of "a KLADR import is running" (any number no other lock uses: "KLAD" in ASCII). */
const IMPORT_LOCK = 0x4b4c4144;
/** The node columns, in COPY order (copyLine in the importer writes them in this order). */
export const NODE_COLUMNS = ['id', 'parent', 'code', 'name', 'short', 'typename', 'level', 'index', 'okato', 'release'] as const;
/**
 * Memory for the index builds of one import. The GIN trigram index is the slow one: on 1.49 M names it built in
 * 13.0 s with the default 64 MB and 11.0 s with 256 MB on the shared 2-core box. Only the importing session uses it.
 */
const INDEX_BUILD_MEMORY = '256MB';
/** How long the swap waits for readers of the old tree before it gives up (and the import fails, tree untouched). */
const SWAP_LOCK_TIMEOUT = '15s';

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface IndexDefinition {
  name: string;
  /** Set for an index that backs a constraint (the primary key): its definition, `PRIMARY KEY (id)`. */
  constraint: string | null;
  /** `CREATE INDEX ...` as pg_get_indexdef writes it. */
  definition: string;
}

/**
 * The SQL of an import. A new release is built in `address_tree_next`, created inside the import's transaction
 * (so COPY may freeze its rows and a failed import leaves nothing behind), indexed like the live table (whose
 * index definitions the migrations own), then swapped in by rename: readers see the old tree or the new one.
 * Writes to the import log that must be seen while the import runs go through the pool, outside its transaction.
 */
@Injectable()
export class KladrImportRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * Takes the import lock on a connection of its own, kept until the returned release is called; null when
   * another import (in any process) holds it.
   */
  async lock(): Promise<(() => Promise<void>) | null> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [IMPORT_LOCK])) as { locked: boolean }[];
      if (!row.locked) {
        await runner.release();
        return null;
      }
    } catch (err) {
      await runner.release();
      throw err;
    }
    return async () => {
      await runner.query(`SELECT pg_advisory_unlock($1)`, [IMPORT_LOCK]).catch(() => {});
      await runner.release();
    };
  }

  /** Closes runs left `running` by a process that died (only called while holding the lock). */
  async closeAbandoned(): Promise<void> {
    await this.ds.query(
      `UPDATE address_tree_import SET status = 'failed', finished = now(), error = 'interrupted: the importing process stopped'
        WHERE status = 'running'`,
    );
  }

  async begin(source: string, userId: string | null): Promise<string> {
    const [row] = await this.ds.query<{ id: string }[]>(
      `INSERT INTO address_tree_import (source, status, user_id) VALUES ($1, 'running', $2) RETURNING id`,
      [source, userId],
    );
    return row.id;
  }

  async progress(id: string, done: number, total: number): Promise<void> {
    await this.ds.query(`UPDATE address_tree_import SET done = $2, total = $3 WHERE id = $1`, [id, done, total]);
  }

  async fail(id: string, error: string, counts: ImportCounts | null, rejections: Rejection[]): Promise<void> {
    await this.ds.query(
      `UPDATE address_tree_import SET status = 'failed', finished = now(), error = $2, counts = $3, rejections = $4 WHERE id = $1`,
      [id, error.slice(0, 2000), counts === null ? null : JSON.stringify(counts), JSON.stringify(rejections)],
    );
  }

  // ---- inside the import's transaction ------------------------------------------------------------------

  /** The transaction's own pg connection (COPY needs the driver's client, not TypeORM's query()). */
  private async client(): Promise<PoolClient> {
    const runner = this.uow.manager.queryRunner;
    if (!runner || !this.uow.inTransaction) throw new Error('KladrImportRepository: COPY needs the import transaction');
    return (await runner.connect()) as PoolClient;
  }

  async createNext(): Promise<void> {
    const m = this.uow.manager;
    await m.query(`SET LOCAL maintenance_work_mem = '${INDEX_BUILD_MEMORY}'`);
    await m.query(
      `CREATE TABLE ${NEXT} (LIKE ${TREE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING STATISTICS INCLUDING COMMENTS)`,
    );
  }

  /** Streams COPY text (lines in NODE_COLUMNS order) into the new table; FREEZE: it was created in this transaction. */
  async copy(lines: AsyncIterable<string>): Promise<void> {
    const client = await this.client();
    const stream = client.query(copyFrom(`COPY ${NEXT} (${NODE_COLUMNS.map(quoteIdent).join(', ')}) FROM STDIN WITH (FREEZE)`));
    await pipeline(Readable.from(lines), stream);
  }

  /** The live table's indexes: the migrations own them, each release's table gets the same ones. */
  async liveIndexes(): Promise<IndexDefinition[]> {
    return await this.uow.manager.query<IndexDefinition[]>(
      `SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition,
              CASE WHEN c.oid IS NULL THEN NULL ELSE pg_get_constraintdef(c.oid) END AS constraint
         FROM pg_index i
         JOIN pg_class ic ON ic.oid = i.indexrelid
         LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
        WHERE i.indrelid = $1::regclass
        ORDER BY c.oid IS NULL, ic.relname`,
      [TREE],
    );
  }

  /**
   * Builds one live index on the new table under a temporary name. A unique index that fails on duplicates
   * (a release that lists a code twice) rolls back to a savepoint: the later duplicates are removed, reported
   * by the caller as rejected, and the index is built again.
   */
  async buildIndex(index: IndexDefinition): Promise<{ code: string; level: number }[]> {
    const m = this.uow.manager;
    const sql = index.constraint
      ? `ALTER TABLE ${NEXT} ADD CONSTRAINT ${quoteIdent(nextName(index.name))} ${index.constraint}`
      : retarget(index.definition, nextName(index.name));
    if (!index.constraint && !index.definition.startsWith('CREATE UNIQUE ')) {
      await m.query(sql);
      return [];
    }
    await m.query(`SAVEPOINT kladr_unique`);
    try {
      await m.query(sql);
      await m.query(`RELEASE SAVEPOINT kladr_unique`);
      return [];
    } catch (err) {
      if (!uniqueViolation(err)) throw err;
      await m.query(`ROLLBACK TO SAVEPOINT kladr_unique`);
      const removed = await m.query<{ code: string; level: number }[]>(
        `WITH removed AS (DELETE FROM ${NEXT} a USING ${NEXT} b WHERE a.id = b.id AND a.ctid > b.ctid RETURNING a.code, a.level)
         SELECT code, level FROM removed`,
      );
      await m.query(sql);
      return removed;
    }
  }

  /** Nodes whose parent is not in the release (the primary key is built by then). */
  async orphans(): Promise<number> {
    const [row] = await this.uow.manager.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${NEXT} c WHERE c.parent IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${NEXT} p WHERE p.id = c.parent)`,
    );
    return row.n;
  }

  /**
   * Puts the new tree in place of the old one and records the run as done, in the import's transaction: readers
   * see the old tree until COMMIT and the new one after. The exclusive lock waits at most SWAP_LOCK_TIMEOUT for
   * queries still reading the old tree.
   */
  async swap(
    indexes: IndexDefinition[],
    run: { id: string; release: string; counts: ImportCounts; rejections: Rejection[] },
  ): Promise<void> {
    const m = this.uow.manager;
    await m.query(`ANALYZE ${NEXT}`);
    await m.query(`SET LOCAL lock_timeout = '${SWAP_LOCK_TIMEOUT}'`);
    await m.query(`LOCK TABLE ${TREE} IN ACCESS EXCLUSIVE MODE`);
    await m.query(`DROP TABLE ${TREE}`);
    await m.query(`ALTER TABLE ${NEXT} RENAME TO ${TREE}`);
    for (const index of indexes) {
      await m.query(
        index.constraint
          ? `ALTER TABLE ${TREE} RENAME CONSTRAINT ${quoteIdent(nextName(index.name))} TO ${quoteIdent(index.name)}`
          : `ALTER INDEX ${quoteIdent(nextName(index.name))} RENAME TO ${quoteIdent(index.name)}`,
      );
    }
    await m.query(
      `UPDATE address_tree_import SET status = 'done', finished = now(), release = $2, done = total, counts = $3, rejections = $4 WHERE id = $1`,
      [run.id, run.release, JSON.stringify(run.counts), JSON.stringify(run.rejections)],
    );
  }
}

/** `ix_address_tree_parent` -> `ix_address_tree_parent_next` (kept under PostgreSQL's 63-byte names). */
function nextName(name: string): string {
  return `${name.slice(0, 58)}_next`;
}

/** `CREATE [UNIQUE] INDEX name ON [ONLY] public.address_tree USING ...` -> the same on the new table. */
function retarget(definition: string, name: string): string {
  const match = /^(CREATE (?:UNIQUE )?INDEX )\S+ ON (?:ONLY )?\S+ (USING .*)$/s.exec(definition);
  if (!match) throw new Error(`unexpected index definition: ${definition}`);
  return `${match[1]}${quoteIdent(name)} ON ${NEXT} ${match[2]}`;
}
