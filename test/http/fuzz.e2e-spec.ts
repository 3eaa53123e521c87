import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/modules/auth/tokens/token.service.js';
import { formValue, type FuzzRequest, type Operation, operationsOf, requestOf } from '../support/fuzz.js';
import { ADMIN, IDENTITY_ENV, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Runs per operation: a few in `npm test`, many in `npm run test:fuzz` (FUZZ_RUNS=300). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 6);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** Rejections that must leave every table as it was (401/403 may count a failed sign-in, by design). */
const REJECTED = new Set([400, 404, 405, 409, 411, 413, 415, 422, 431]);
/** Routes that would end the fuzzer's own session. */
const KEEPS_SESSION = (path: string) => !/sign\/out|session\/close|\/close$/.test(path);

/**
 * From the live OpenAPI document, every operation (and oidc-provider's own endpoints) gets malformed requests:
 * wrong types, missing and extra keys, nulls, huge and deeply nested values, NUL and lone surrogates, huge and
 * non-numeric ids, impossible dates, prototype keys, wrong content types; anonymous and as the administrator.
 * No answer may be a 5xx, and a rejected request may change no table.
 */
describe('fuzzing every operation', () => {
  let t: TestApp;
  let ds: DataSource;
  let token: string;
  let operations: Operation[];
  const stats = { requests: 0, errors5xx: 0, byStatus: new Map<number, number>() };

  beforeAll(async () => {
    t = await startTestApp({
      env: { ...IDENTITY_ENV, BOOTSTRAP_CLIENT_ID: 'svc', BOOTSTRAP_CLIENT_SECRET: 'fuzz-secret-0123456789abcdef', OUTBOX_POLL_MS: '0' },
    });
    ds = t.app.get(DataSource);
    const admin = await signIn(t, ADMIN);
    const [row] = await ds.query<{ userId: string }[]>(`SELECT user_id AS "userId" FROM session WHERE code = $1`, [admin.session]);
    token = (await t.app.get(TokenService).issueAccessToken({ userId: row.userId, session: admin.session })).token;
    operations = operationsOf((await t.http.get('/docs/json')).body);
    // Every write to any table is counted (a session's once-a-minute `updated` touch is not a change).
    await ds.query(`CREATE TABLE fuzz_change (id bigserial PRIMARY KEY, tbl text NOT NULL, op text NOT NULL)`);
    await ds.query(`
      CREATE FUNCTION fuzz_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'session' AND TG_OP = 'UPDATE' AND (to_jsonb(OLD) - 'updated') = (to_jsonb(NEW) - 'updated') THEN RETURN NULL; END IF;
        INSERT INTO fuzz_change (tbl, op) VALUES (TG_TABLE_NAME, TG_OP);
        RETURN NULL;
      END $$`);
    // qr_rate_window counts every getUser call, refused ones too: that is what a rate limit is for.
    const tables = await ds.query<{ name: string }[]>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('fuzz_change', 'migrations', 'qr_rate_window')`,
    );
    for (const { name } of tables) {
      await ds.query(
        `CREATE TRIGGER fuzz_change AFTER INSERT OR UPDATE OR DELETE ON "${name}" FOR EACH ROW EXECUTE FUNCTION fuzz_change()`,
      );
    }
  });
  afterAll(async () => {
    const statuses = [...stats.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`);
    console.log(
      `fuzz: ${stats.requests} requests over ${operations?.length ?? 0} operations, 5xx: ${stats.errors5xx} (${statuses.join(' ')})`,
    );
    await t?.close();
  });

  const changes = async () => Number((await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM fuzz_change`))[0].n);

  async function send(op: Operation, r: FuzzRequest): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {};
    if (!r.anonymous) headers.authorization = `Bearer ${token}`;
    const entries = Object.entries(r.body);
    let url = `${t.baseUrl}${r.path}`;
    let body: RequestInit['body'];
    const encoding = op.method === 'get' ? 'query' : r.encoding;
    switch (encoding) {
      case 'json':
        headers['content-type'] = 'application/json';
        body = JSON.stringify(r.body);
        break;
      case 'json-scalar':
        headers['content-type'] = 'application/json';
        body = JSON.stringify(r.scalar) ?? 'null';
        break;
      case 'json-deep':
        headers['content-type'] = 'application/json';
        body = `${'['.repeat(5000)}${']'.repeat(5000)}`;
        break;
      case 'form':
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(entries.map(([k, v]): [string, string] => [k, formValue(v)])).toString();
        break;
      case 'form-json':
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = JSON.stringify(r.body);
        break;
      case 'multipart': {
        const form = new FormData();
        for (const [k, v] of entries) form.append(k, formValue(v));
        body = form;
        break;
      }
      case 'query':
        url += `${url.includes('?') ? '&' : '?'}${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, formValue(v)])).toString()}`;
        break;
      case 'text':
        headers['content-type'] = 'text/plain';
        body = formValue(r.body);
        break;
      case 'xml':
        headers['content-type'] = 'application/xml';
        body = '<a><b>1</b></a>';
        break;
      case 'octet':
        headers['content-type'] = 'application/octet-stream';
        body = new Uint8Array([0, 1, 2, 255]);
        break;
      case 'none':
        body = new Uint8Array(Buffer.from(JSON.stringify(r.body)));
        break;
    }
    const res = await fetch(url, { method: op.method.toUpperCase(), headers, body, redirect: 'manual' });
    return { status: res.status, text: (await res.text()).slice(0, 500) };
  }

  it(
    'answers every malformed request with a 4xx (or a success), never a 5xx, and rejections change nothing',
    async () => {
      expect(operations.length).toBeGreaterThan(40);
      for (const op of operations) {
        await fc.assert(
          fc.asyncProperty(requestOf(op), async (r) => {
            if (!r.anonymous && !KEEPS_SESSION(r.path)) r.anonymous = true;
            const before = await changes();
            const res = await send(op, r);
            stats.requests++;
            stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
            if (res.status >= 500) stats.errors5xx++;
            expect(res.status, `${op.method.toUpperCase()} ${r.path} (${r.encoding}): ${res.text}`).toBeLessThan(500);
            if (REJECTED.has(res.status)) {
              const changed = await ds.query(`SELECT tbl, op FROM fuzz_change ORDER BY id OFFSET $1`, [before]);
              expect(changed, `${op.method.toUpperCase()} ${r.path} answered ${res.status} but wrote`).toEqual([]);
            }
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        );
      }
    },
    Number(process.env.FUZZ_TIMEOUT_MS ?? 120_000),
  );
});
