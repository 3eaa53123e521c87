// Outbox delivery lag: actions run over HTTP as fast as CONNECTIONS (16) concurrent clients can for DURATION (10) s,
// each action raising an ObjectActionExecuted event; a subscriber records, per event, delivery time minus the
// event's created time. Optionally a second, slow subscriber (SLOW_MS per event, default 0: none) runs beside it.
// Prints actions/s and the lag p50/p95/p99/max of the fast subscriber. The app runs in this process (it needs a
// subscriber), built from DIST (default ./dist: run `npm run build` first), on a fresh database of DATABASE_URL.
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:outbox
// Before/after: build another checkout and point DIST at its dist directory.
import 'reflect-metadata';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { freePort, freshDatabase, machine } from './lib.js';

const dist = path.resolve(process.env.DIST ?? 'dist');
const load = (file) => import(pathToFileURL(path.join(dist, file)).href);
const { Injectable, Module } = await import('@nestjs/common');
const { NestFactory } = await import('@nestjs/core');
const { AppModule } = await load('src/app.module.js');
const { configureApp } = await load('src/app.setup.js');
const { loadConfig } = await load('src/config/app-config.js');
const { createDataSource } = await load('src/database/data-source.js');
const { OnDomainEvent } = await load('src/common/events/domain-events.js');
const { TokenService } = await load('src/modules/auth/tokens/token.service.js');

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const connections = Number(process.env.CONNECTIONS ?? 16);
const duration = Number(process.env.DURATION ?? 10);
const slowMs = Number(process.env.SLOW_MS ?? 0);
const DB = 'platform_bench_outbox';

const lags = [];
let delivered = 0;
class LagRecorder {
  record(event) {
    lags.push(Date.now() - Date.parse(event.created));
    delivered++;
  }
  async slow() {
    await sleep(slowMs);
  }
}
const decorate = (name, decorator) =>
  Reflect.decorate([decorator], LagRecorder.prototype, name, Object.getOwnPropertyDescriptor(LagRecorder.prototype, name));
decorate('record', OnDomainEvent('ObjectActionExecuted', 'bench.lag'));
if (slowMs > 0) decorate('slow', OnDomainEvent('ObjectActionExecuted', 'bench.slow'));
Injectable()(LagRecorder);
class BenchModule {}
Module({ providers: [LagRecorder] })(BenchModule);

const url = await freshDatabase(adminUrl, DB);
const migrator = createDataSource(url.href, 2);
await migrator.initialize();
await migrator.runMigrations({ transaction: 'each' });
await migrator.destroy();

const port = await freePort();
const config = loadConfig({
  PORT: String(port),
  DATABASE_URL: url.href,
  LOG_LEVEL: 'warn',
  OIDC_ISSUER: `http://127.0.0.1:${port}/oauth2`,
  BOOTSTRAP_ADMIN_USERNAME: 'bench',
  BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password',
  ARGON2_MEMORY_KIB: '4096',
  ARGON2_TIME_COST: '1',
});
const app = await NestFactory.create(AppModule.register({ config, databaseUrl: url.href, imports: [BenchModule] }), {
  bodyParser: false,
  logger: ['error', 'warn'],
});
configureApp(app, config);
await app.listen(port, '127.0.0.1');
const base = `http://127.0.0.1:${port}`;

const signIn = await (
  await fetch(`${base}/api/v1/sign/in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'bench-admin-password' }),
  })
).json();
const db = new pg.Client({ connectionString: url.href });
await db.connect();
const [{ userId }] = (await db.query(`SELECT user_id AS "userId" FROM session WHERE code = $1`, [signIn.session])).rows;
const { token } = await app.get(TokenService).issueAccessToken({ userId, session: signIn.session });
const post = async (route, body) => {
  const res = await fetch(`${base}/api/v1${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
  return res.json();
};

// One client per connection (no conflicts between them), each enabled then disabled in turn.
const clients = [];
for (let i = 0; i < connections; i++) clients.push((await post('/client/set', { code: `bench-${i}`, name: { name: `Bench ${i}` } })).id);
while (delivered < connections) await sleep(20); // the creates' events go by before measuring
lags.length = 0;
delivered = 0;

let actions = 0;
const until = Date.now() + duration * 1000;
await Promise.all(
  clients.map(async (id) => {
    for (let i = 0; Date.now() < until; i++) {
      await post('/action/run', { id, action: i % 2 === 0 ? 'enable' : 'disable' });
      actions++;
    }
  }),
);
const deadline = Date.now() + 120_000;
while (delivered < actions && Date.now() < deadline) await sleep(50);

const sorted = [...lags].sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
console.log(
  JSON.stringify(
    {
      benchmark: 'outbox',
      dist,
      machine: machine(),
      connections,
      durationSeconds: duration,
      slowSubscriberMs: slowMs,
      actionsPerSecond: Math.round(actions / duration),
      actions,
      delivered,
      lagMs: { p50: pct(50), p95: pct(95), p99: pct(99), max: sorted.at(-1) },
    },
    null,
    2,
  ),
);
await db.end();
await app.close();
process.exit(0);
