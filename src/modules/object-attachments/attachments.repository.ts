import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { compileListQuery } from '../../common/list-query/list-query.compiler.js';
import type { ColumnMap, ColumnSpec, ListQuery } from '../../common/list-query/list-query.types.js';

const col = (sql: string, type: ColumnSpec['type'], extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ sql, type, ...extra });

/** The fields of a file (alias `f`) that get and list answer; the content travels only through files/get and content. */
export const FILE_COLUMNS: ColumnMap = {
  object: col('f.object_id', 'integer'),
  name: col('f.name', 'text'),
  path: col('f.path', 'text'),
  size: col('f.size', 'integer'),
  date: col('f.date', 'timestamp'),
  hash: col('f.hash', 'text'),
  mediatype: col('f.media_type', 'text'),
  updated: col('f.updated', 'timestamp'),
};

/** The fields of object data (alias `x`). */
export const DATA_COLUMNS: ColumnMap = {
  object: col('x.object_id', 'integer'),
  type: col('x.type_id', 'integer'),
  typecode: col('(SELECT t.code FROM object_data_type t WHERE t.id = x.type_id)', 'text'),
  code: col('x.code', 'text'),
  data: col('x.data', 'text'),
  updated: col('x.updated', 'timestamp'),
};

/** The fields of a geolocation point (alias `g`). */
export const GEOLOCATION_COLUMNS: ColumnMap = {
  id: col('g.id', 'integer'),
  object: col('g.object_id', 'integer'),
  code: col('g.code', 'text'),
  latitude: col('g.latitude', 'numeric'),
  longitude: col('g.longitude', 'numeric'),
  accuracy: col('g.accuracy', 'numeric'),
  label: col('g.label', 'text'),
  description: col('g.description', 'text'),
  date: col('g.date', 'timestamp'),
};

/** The fields of an address link (alias `l`); `dateto` is null while the link is open. */
export const ADDRESS_LINK_COLUMNS: ColumnMap = {
  id: col('l.id', 'integer'),
  object: col('l.object_id', 'integer'),
  address: col('l.address_id', 'integer'),
  type: col('l.type_id', 'integer'),
  typecode: col('(SELECT t.code FROM object_type t WHERE t.id = l.type_id)', 'text'),
  text: col('(SELECT a.address FROM address a WHERE a.id = l.address_id)', 'text'),
  datefrom: col('l.valid_from', 'timestamp'),
  dateto: col(`nullif(l.valid_to, 'infinity')`, 'timestamp'),
};

export interface PointWrite {
  code: string;
  latitude: number;
  longitude: number;
  accuracy: number | null;
  label: string | null;
  description: string | null;
}

const selectOf = (columns: ColumnMap) =>
  Object.entries(columns)
    .map(([k, c]) => `${c.sql} AS "${k}"`)
    .join(', ');

export interface FileWrite {
  objectId: string;
  name: string;
  path: string | null;
  size: number;
  date: Date | null;
  hash: string | null;
  content: Buffer | null;
  mediaType: string | null;
  /** The session's oper_date, or null for now. */
  at: Date | null;
}

export interface FileContent {
  content: Buffer | null;
  mediaType: string | null;
  hash: string | null;
}

/** The SQL of object files, data and geolocation; every statement runs in the current unit of work (or the pool). */
@Injectable()
export class AttachmentsRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get m() {
    return this.uow.manager;
  }

  /** A list-language query over `from` (which joins the object as `o`), ANDed to the access condition. */
  async list(
    from: string,
    columns: ColumnMap,
    q: ListQuery,
    access: { sql: string; params: unknown[] },
  ): Promise<Record<string, unknown>[]> {
    const compiled = compileListQuery(q, columns, { paramStart: 1 + access.params.length });
    const sql = `SELECT ${compiled.select} FROM ${from} WHERE ${access.sql}${compiled.where ? ` AND (${compiled.where})` : ''}
      ${compiled.orderBy ? `ORDER BY ${compiled.orderBy}` : ''} LIMIT ${compiled.limit} OFFSET ${compiled.offset}`;
    return this.m.query<Record<string, unknown>[]>(sql, [...access.params, ...compiled.params]);
  }

  /** The object's files (no content), by name. */
  filesOf(objectId: string): Promise<Record<string, unknown>[]> {
    const select = Object.entries(FILE_COLUMNS)
      .map(([k, c]) => `${c.sql} AS "${k}"`)
      .join(', ');
    return this.m.query(`SELECT ${select} FROM object_file f WHERE f.object_id = $1 ORDER BY f.name`, [objectId]);
  }

  /** One file; with `withData` its content as base64 (in the database: no hex round trip through JS). */
  async file(objectId: string, name: string, withData: boolean): Promise<Record<string, unknown> | undefined> {
    const select = Object.entries(FILE_COLUMNS).map(([k, c]) => `${c.sql} AS "${k}"`);
    if (withData) select.push(`translate(encode(f.content, 'base64'), E'\\n', '') AS "data"`);
    const [row] = await this.m.query<Record<string, unknown>[]>(
      `SELECT ${select.join(', ')} FROM object_file f WHERE f.object_id = $1 AND f.name = $2`,
      [objectId, name],
    );
    return row;
  }

  async fileContent(objectId: string, name: string): Promise<FileContent | undefined> {
    const [row] = await this.m.query<FileContent[]>(
      `SELECT content, media_type AS "mediaType", hash FROM object_file WHERE object_id = $1 AND name = $2`,
      [objectId, name],
    );
    return row;
  }

  /** Inserts or replaces every attribute of the file (the seed: keys not given are null). */
  async upsertFile(f: FileWrite): Promise<void> {
    await this.m.query(
      `INSERT INTO object_file (object_id, name, path, size, date, hash, content, media_type, updated)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::timestamptz, now()))
       ON CONFLICT (object_id, name) DO UPDATE SET path = EXCLUDED.path, size = EXCLUDED.size, date = EXCLUDED.date,
         hash = EXCLUDED.hash, content = EXCLUDED.content, media_type = EXCLUDED.media_type, updated = EXCLUDED.updated`,
      [f.objectId, f.name, f.path, f.size, f.date, f.hash, f.content, f.mediaType, f.at],
    );
  }

  async dataType(ref: { id?: string; code?: string }): Promise<{ id: string; code: string } | undefined> {
    const [row] = await this.m.query<{ id: string; code: string }[]>(
      `SELECT id, code FROM object_data_type WHERE ${ref.id ? 'id = $1' : 'code = $1'}`,
      [ref.id ?? ref.code],
    );
    return row;
  }

  /** The object's data, by type and code. */
  dataOf(objectId: string): Promise<Record<string, unknown>[]> {
    return this.m.query(`SELECT ${selectOf(DATA_COLUMNS)} FROM object_data x WHERE x.object_id = $1 ORDER BY x.type_id, x.code`, [
      objectId,
    ]);
  }

  async dataItem(objectId: string, typeId: string, code: string): Promise<Record<string, unknown> | undefined> {
    const [row] = await this.m.query<Record<string, unknown>[]>(
      `SELECT ${selectOf(DATA_COLUMNS)} FROM object_data x WHERE x.object_id = $1 AND x.type_id = $2 AND x.code = $3`,
      [objectId, typeId, code],
    );
    return row;
  }

  async upsertData(objectId: string, typeId: string, code: string, data: string, at: Date | null): Promise<void> {
    await this.m.query(
      `INSERT INTO object_data (object_id, type_id, code, data, updated) VALUES ($1, $2, $3, $4, coalesce($5::timestamptz, now()))
       ON CONFLICT (object_id, type_id, code) DO UPDATE SET data = EXCLUDED.data, updated = EXCLUDED.updated`,
      [objectId, typeId, code, data, at],
    );
  }

  async deleteData(objectId: string, typeId: string, code: string): Promise<boolean> {
    const [row] = await this.m.query<{ n: number }[]>(
      `WITH gone AS (DELETE FROM object_data WHERE object_id = $1 AND type_id = $2 AND code = $3 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [objectId, typeId, code],
    );
    return row.n > 0;
  }

  /**
   * Appends points dated `at` (the session's oper_date) or, without one, each at the clock's instant, so the
   * points of one request keep their order. Answers the points as stored.
   */
  async addPoints(objectId: string, points: PointWrite[], at: Date | null): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const p of points) {
      const [row] = await this.m.query<Record<string, unknown>[]>(
        `INSERT INTO object_geolocation AS g (object_id, code, latitude, longitude, accuracy, label, description, date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8::timestamptz, clock_timestamp())) RETURNING ${selectOf(GEOLOCATION_COLUMNS)}`,
        [objectId, p.code, p.latitude, p.longitude, p.accuracy, p.label, p.description, at],
      );
      out.push(row);
    }
    return out;
  }

  /**
   * The latest point of each code at or before `asOf` (null: now). A loose index scan: the codes one index
   * probe each, then the newest point of each code one probe each, so a long history costs nothing extra.
   */
  latestPoints(objectId: string, asOf: Date | null): Promise<Record<string, unknown>[]> {
    return this.m.query(
      `WITH RECURSIVE codes AS (
         (SELECT code FROM object_geolocation WHERE object_id = $1 ORDER BY code LIMIT 1)
         UNION ALL
         SELECT (SELECT n.code FROM object_geolocation n WHERE n.object_id = $1 AND n.code > codes.code ORDER BY n.code LIMIT 1)
           FROM codes WHERE codes.code IS NOT NULL)
       SELECT p.* FROM codes CROSS JOIN LATERAL (
         SELECT ${selectOf(GEOLOCATION_COLUMNS)} FROM object_geolocation g
          WHERE g.object_id = $1 AND g.code = codes.code AND g.date <= coalesce($2::timestamptz, now())
          ORDER BY g.date DESC, g.id DESC LIMIT 1) p
       ORDER BY p.code`,
      [objectId, asOf],
    );
  }

  /** True when there was such a file. */
  async deleteFile(objectId: string, name: string): Promise<boolean> {
    const [row] = await this.m.query<{ n: number }[]>(
      `WITH gone AS (DELETE FROM object_file WHERE object_id = $1 AND name = $2 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [objectId, name],
    );
    return row.n > 0;
  }

  /** The links in force at `asOf` (null: now), one per address type. */
  addressLinks(objectId: string, asOf: Date | null): Promise<Record<string, unknown>[]> {
    return this.m.query(
      `SELECT ${selectOf(ADDRESS_LINK_COLUMNS)} FROM object_address l
        WHERE l.object_id = $1 AND l.valid_from <= coalesce($2::timestamptz, now()) AND l.valid_to > coalesce($2::timestamptz, now())
        ORDER BY l.type_id`,
      [objectId, asOf],
    );
  }

  /**
   * Links the address under its type from `from` (null: now), like a state change: the link in force then
   * ends at `from` (one starting exactly then is replaced), and the new one runs until the next later link of
   * that type, or open. Answers the new link, or undefined when that address is already the one in force.
   */
  async linkAddress(objectId: string, addressId: string, typeId: string, from: Date | null): Promise<Record<string, unknown> | undefined> {
    const [{ at }] = await this.m.query<{ at: Date }[]>(`SELECT coalesce($1::timestamptz, now()) AS at`, [from]);
    const key = [objectId, typeId, at];
    const [current] = await this.m.query<{ addressId: string }[]>(
      `SELECT address_id AS "addressId" FROM object_address WHERE object_id = $1 AND type_id = $2 AND valid_from <= $3 AND valid_to > $3`,
      key,
    );
    if (current?.addressId === addressId) return undefined;
    await this.m.query(`DELETE FROM object_address WHERE object_id = $1 AND type_id = $2 AND valid_from = $3`, key);
    await this.m.query(
      `UPDATE object_address SET valid_to = $3 WHERE object_id = $1 AND type_id = $2 AND valid_from < $3 AND valid_to > $3`,
      key,
    );
    const [row] = await this.m.query<Record<string, unknown>[]>(
      `INSERT INTO object_address AS l (object_id, address_id, type_id, valid_from, valid_to)
       VALUES ($1, $4, $2, $3, coalesce((SELECT min(n.valid_from) FROM object_address n WHERE n.object_id = $1 AND n.type_id = $2 AND n.valid_from > $3), 'infinity'))
       RETURNING ${selectOf(ADDRESS_LINK_COLUMNS)}`,
      [...key, addressId],
    );
    return row;
  }
}
