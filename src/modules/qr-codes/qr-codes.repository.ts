import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';

/** A stored code: epoch seconds of its window. */
export interface StoredCode {
  id: string;
  userId: string | null;
  codeHash: string;
  start: number;
  expire: number;
}

const COLUMNS = `id, user_id AS "userId", code_hash AS "codeHash", extract(epoch FROM time_start)::bigint AS start,
  extract(epoch FROM time_expire)::bigint AS expire`;

type Row = Omit<StoredCode, 'start' | 'expire'> & { start: string; expire: string };
const toCode = (r: Row): StoredCode => ({ ...r, start: Number(r.start), expire: Number(r.expire) });

/** Every statement on `qr_code` and `qr_rate_window`. */
@Injectable()
export class QrCodesRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get m() {
    return this.uow.manager;
  }

  /** Serialises the issuing of one user's codes until the transaction ends (two first requests: one window). */
  async lockUser(userId: string): Promise<void> {
    await this.m.query(`SELECT pg_advisory_xact_lock(hashtextextended('qr_code:' || $1, 0))`, [userId]);
  }

  /** The user's codes that have not expired at `now`, oldest first. */
  async unexpired(userId: string, now: number): Promise<StoredCode[]> {
    const rows = await this.m.query<Row[]>(
      `SELECT ${COLUMNS} FROM qr_code WHERE user_id = $1 AND time_expire > to_timestamp($2) ORDER BY time_start`,
      [userId, now],
    );
    return rows.map(toCode);
  }

  /** Stores a window's code; a concurrent request that stored the same window first wins (same code). */
  async insert(userId: string, codeHash: string, start: number, expire: number): Promise<void> {
    await this.m.query(
      `INSERT INTO qr_code (user_id, code_hash, time_start, time_expire) VALUES ($1, $2, to_timestamp($3), to_timestamp($4))
       ON CONFLICT DO NOTHING`,
      [userId, codeHash, start, expire],
    );
  }

  /** The window's code was derived with a key that is no longer the active one: keep the new one's hash. */
  async rehash(id: string, codeHash: string): Promise<void> {
    await this.m.query(`UPDATE qr_code SET code_hash = $2 WHERE id = $1`, [id, codeHash]);
  }

  async findByHash(codeHash: string): Promise<StoredCode | undefined> {
    const rows = await this.m.query<Row[]>(`SELECT ${COLUMNS} FROM qr_code WHERE code_hash = $1`, [codeHash]);
    return rows[0] ? toCode(rows[0]) : undefined;
  }

  /** Codes expired before `before` (epoch seconds), of one user or of all; old rate windows with them. */
  async purge(before: number, userId?: string): Promise<void> {
    if (userId !== undefined) {
      await this.m.query(`DELETE FROM qr_code WHERE user_id = $1 AND time_expire < to_timestamp($2)`, [userId, before]);
      return;
    }
    await this.m.query(`DELETE FROM qr_code WHERE time_expire < to_timestamp($1)`, [before]);
  }

  async purgeRateWindows(before: number): Promise<void> {
    await this.m.query(`DELETE FROM qr_rate_window WHERE window_start < to_timestamp($1)`, [before]);
  }

  /** Counts a call from `address` in the window starting at `windowStart`; the calls so far in it. */
  async hit(address: string, windowStart: number): Promise<number> {
    const rows = await this.m.query<{ hits: number }[]>(
      `INSERT INTO qr_rate_window (address, window_start, hits) VALUES ($1, to_timestamp($2), 1)
       ON CONFLICT (address, window_start) DO UPDATE SET hits = qr_rate_window.hits + 1 RETURNING hits`,
      [address, windowStart],
    );
    return rows[0].hits;
  }
}
