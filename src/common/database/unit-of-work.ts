import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { retryableFailure } from './database-errors.js';

interface Frame {
  manager: EntityManager;
  queryRunner: QueryRunner;
  /** Run once the outermost transaction has committed (never after a rollback). */
  afterCommit: (() => void)[];
}

export interface RunOptions {
  isolation?: IsolationLevel;
}

/**
 * The one unit of work (design/objects-kernel.md section 3): `run(work)` opens a transaction, or joins the one
 * already open in this async context; repositories read `manager`, which is the current transaction's or, outside
 * any, the pool's. Nobody passes managers around and nobody opens a transaction inside a repository.
 *
 * The outermost `run` retries the whole work (bounded, with jittered backoff) when PostgreSQL gave up on it
 * without applying anything: a serialization failure or deadlock (the transaction was rolled back), or a lost
 * connection before COMMIT was sent (the server rolls back an unfinished transaction whose client is gone).
 * A failure during COMMIT is never retried: it may have been applied. `work` must therefore keep its effects in
 * the database (outbox for the rest) or make them idempotent: it may run more than once.
 */
@Injectable()
export class UnitOfWork {
  private readonly storage = new AsyncLocalStorage<Frame>();

  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The current transaction's manager, or the pool's outside a transaction. */
  get manager(): EntityManager {
    return this.storage.getStore()?.manager ?? this.ds.manager;
  }

  get inTransaction(): boolean {
    return this.storage.getStore() !== undefined;
  }

  /** Calls `hook` after the current transaction commits; outside a transaction, at once. */
  afterCommit(hook: () => void): void {
    const frame = this.storage.getStore();
    if (frame) frame.afterCommit.push(hook);
    else hook();
  }

  async run<T>(work: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    if (this.storage.getStore()) return work();
    const { retries, retryBaseMs } = this.config.database;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(work, options);
      } catch (err) {
        if (attempt >= retries || !retryableFailure(err)) throw err;
        // Full jitter: concurrent losers of the same conflict do not collide again in step.
        await delay(Math.random() * retryBaseMs * 2 ** attempt);
      }
    }
  }

  private async once<T>(work: () => Promise<T>, options: RunOptions): Promise<T> {
    const queryRunner = this.ds.createQueryRunner();
    const frame: Frame = { manager: queryRunner.manager, queryRunner, afterCommit: [] };
    let committing = false;
    let broken: unknown;
    try {
      await queryRunner.connect();
      await queryRunner.startTransaction(options.isolation);
      const result = await this.storage.run(frame, work);
      committing = true;
      await queryRunner.commitTransaction();
      for (const hook of frame.afterCommit) hook();
      return result;
    } catch (err) {
      broken = err;
      if (queryRunner.isTransactionActive && !committing) await queryRunner.rollbackTransaction().catch(() => {});
      if (committing) throw markCommitFailure(err);
      throw err;
    } finally {
      // A connection that failed is not given back to the pool for reuse.
      await releaseRunner(queryRunner, broken);
    }
  }
}

async function releaseRunner(queryRunner: QueryRunner, err: unknown): Promise<void> {
  const pgRunner = queryRunner as QueryRunner & { releasePostgresConnection?: (err?: unknown) => Promise<void> };
  if (err && retryableFailure(err) && pgRunner.releasePostgresConnection) await pgRunner.releasePostgresConnection(err);
  else await queryRunner.release();
}

/** A failure while committing may or may not have been applied: it must never be retried. */
function markCommitFailure(err: unknown): unknown {
  if (err && typeof err === 'object') Object.defineProperty(err, 'duringCommit', { value: true });
  return err;
}
