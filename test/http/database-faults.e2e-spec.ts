import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UnitOfWork } from '../../src/common/database/unit-of-work.js';
import { TokenService } from '../../src/modules/auth/tokens/token.service.js';
import { adminQuery } from '../support/database.js';
import { ADMIN, IDENTITY_ENV, type Signed, signedPost, signIn } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SECRET = 'faults-secret-0123456789abcdef';

/** A promise and its resolver: holds a transaction open without sleeping. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Database faults through HTTP: retried where safe, 503 with Retry-After where not, healed without restart. */
describe('database faults', () => {
  let t: TestApp;
  let ds: DataSource;
  let admin: Signed;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...IDENTITY_ENV,
        DB_TX_RETRIES: '3',
        DB_TX_RETRY_BASE_MS: '1',
        SESSION_CACHE_SECONDS: '0',
        RETRY_AFTER_SECONDS: '7',
        OUTBOX_POLL_MS: '0',
        BOOTSTRAP_CLIENT_ID: 'svc',
        BOOTSTRAP_CLIENT_SECRET: SECRET,
      },
    });
    ds = t.app.get(DataSource);
    admin = await signIn(t, ADMIN);
    // Faults injected inside the app's own transactions, once each: sequences are not rolled back with them.
    await ds.query(`CREATE SEQUENCE fault_once`);
    await ds.query(`CREATE TABLE fault_plan (tbl text PRIMARY KEY, kind text NOT NULL)`);
    await ds.query(`
      CREATE FUNCTION fault() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE k text;
      BEGIN
        SELECT kind INTO k FROM fault_plan WHERE tbl = TG_TABLE_NAME;
        IF k IS NOT NULL AND nextval('fault_once') = 1 THEN
          IF k = 'terminate' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
          IF k = 'serialization' THEN RAISE EXCEPTION 'injected conflict' USING ERRCODE = 'serialization_failure'; END IF;
          IF k = 'deadlock' THEN RAISE EXCEPTION 'injected deadlock' USING ERRCODE = 'deadlock_detected'; END IF;
        END IF;
        RETURN NEW;
      END $$`);
    for (const table of ['session', 'outbox']) {
      await ds.query(`CREATE TRIGGER fault_${table} AFTER INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION fault()`);
    }
  });
  afterAll(() => t?.close());

  const plan = async (table: string, kind: string) => {
    await ds.query(`DELETE FROM fault_plan`);
    await ds.query(`INSERT INTO fault_plan VALUES ($1, $2)`, [table, kind]);
    await ds.query(`SELECT setval('fault_once', 1, false)`);
  };

  describe('10. a transaction PostgreSQL rolled back unapplied is retried inside the request, applied once', () => {
    it.each([['terminate'], ['serialization'], ['deadlock']])(
      'sign-in whose backend fails mid-transaction (%s): 200, one session',
      async (kind) => {
        await plan('session', kind);
        const before = Number((await ds.query(`SELECT count(*) AS n FROM session`))[0].n);
        const res = await t.http.post('/api/v1/sign/in').send(ADMIN);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(Number((await ds.query(`SELECT nextval('fault_once') AS n`))[0].n)).toBeGreaterThan(2); // the fault did fire
        expect(Number((await ds.query(`SELECT count(*) AS n FROM session`))[0].n)).toBe(before + 1);
        expect((await ds.query(`SELECT 1 FROM session WHERE code = $1 AND closed IS NULL`, [res.body.session])).length).toBe(1);
      },
    );

    it('an action whose backend is terminated mid-transaction: 200, one state change, one event', async () => {
      const created = await signedPost(t, admin, '/client/set', { code: `fault-${Date.now()}`, name: { name: 'Fault' } });
      expect(created.status).toBe(200);
      await plan('outbox', 'terminate');
      const events = async () =>
        Number((await ds.query(`SELECT count(*) AS n FROM outbox WHERE payload->>'object' = $1`, [String(created.body.id)]))[0].n);
      const before = await events();
      const run = await signedPost(t, admin, '/action/run', { id: created.body.id, action: 'enable' });
      expect(run.status, JSON.stringify(run.body)).toBe(200);
      expect(await events()).toBe(before + 1);
      const states = await ds.query(`SELECT count(*) AS n FROM object_state WHERE object_id = $1`, [created.body.id]);
      expect(Number(states[0].n)).toBe(2); // created, then enabled: once
      await ds.query(`DELETE FROM fault_plan`);
    });
  });

  describe('9 and 11. refused connections: 503 with Retry-After on every route, then healed by itself', () => {
    it('ALLOW_CONNECTIONS false and every backend terminated, then allowed again', async () => {
      const [row] = await ds.query<{ userId: string }[]>(`SELECT user_id AS "userId" FROM session WHERE code = $1`, [admin.session]);
      const { token } = await t.app.get(TokenService).issueAccessToken({ userId: row.userId, session: admin.session });
      const adminUrl = inject('adminUrl');
      const requests = {
        signIn: () => t.http.post('/api/v1/sign/in').send(ADMIN),
        whoami: () => t.http.post('/api/v1/whoami').set('Authorization', `Bearer ${token}`),
        ready: () => t.http.get('/health/ready'),
        token: () =>
          t.http
            .post('/oauth2/token')
            .type('form')
            .send({ grant_type: 'password', username: ADMIN.username, password: ADMIN.password, client_id: 'nobody' }),
        introspect: () =>
          t.http
            .post('/oauth2/introspect')
            .auth('svc', SECRET)
            .type('form')
            .send({ token: 'x'.repeat(40) }),
      };
      await adminQuery(adminUrl, `ALTER DATABASE "${t.db.name}" ALLOW_CONNECTIONS false`);
      try {
        await adminQuery(adminUrl, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${t.db.name}'`);
        for (const [name, send] of Object.entries(requests)) {
          const res = await send();
          expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(503);
          expect(res.headers['retry-after'], name).toBe('7');
          if (name === 'token' || name === 'introspect') expect(res.body.error, name).toBe('temporarily_unavailable');
          else if (name !== 'ready') expect(res.body.error.code, name).toBe(503);
        }
      } finally {
        await adminQuery(adminUrl, `ALTER DATABASE "${t.db.name}" ALLOW_CONNECTIONS true`);
      }
      expect((await requests.signIn()).status).toBe(200);
      expect((await requests.whoami()).status).toBe(200);
      expect((await requests.ready()).status).toBe(200);
      expect((await requests.token()).status).toBe(401); // an unknown client again, not an unavailable database
      expect((await requests.introspect()).body).toEqual({ active: false });
    });
  });

  describe('9. a pool exhausted past its bounded wait', () => {
    let small: TestApp;
    beforeAll(async () => {
      small = await startTestApp({ env: { ...IDENTITY_ENV, DB_POOL_SIZE: '2', DB_CONNECT_TIMEOUT_MS: '300', RETRY_AFTER_SECONDS: '3' } });
    });
    afterAll(() => small?.close());

    it('is a 503 with Retry-After while every connection is held, and serves again once they are back', async () => {
      const uow = small.app.get(UnitOfWork);
      const hold = latch();
      const held = latch();
      let holding = 0;
      const holders = [1, 2].map(() =>
        uow.run(async () => {
          await uow.manager.query(`SELECT 1`);
          if (++holding === 2) held.open();
          await hold.promise;
        }),
      );
      await held.promise;
      const res = await small.http.post('/api/v1/sign/in').send(ADMIN);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('3');
      expect(res.body.error).toMatchObject({ code: 503, message: expect.any(String) });
      hold.open();
      await Promise.all(holders);
      expect((await small.http.post('/api/v1/sign/in').send(ADMIN)).status).toBe(200);
    });
  });
});
