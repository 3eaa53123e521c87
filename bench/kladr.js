// The KLADR importer at full size, against PostgreSQL (a fresh database on DATABASE_URL's server).
// 1. Generates a synthetic release as the tax service ships it (DBF in CP866): KLADR_PLACES (220,000) places and
//    KLADR_STREETS (1,300,000) streets with realistic names and codes, about 2 % of them not current. Kept in
//    $TMPDIR/kladr-bench-<places>-<streets> and reused by later runs.
// 2. RUNS (3) times: the import by the built CLI (wall time, and its peak RSS sampled from /proc), then a bare
//    COPY of the same rows (the imported tree, dumped) into a new table with the same indexes, in the same run.
//    The ratio import / bare COPY is the figure (target <= 2). A tenth-size release is imported once as well:
//    its peak RSS against the full one shows whether memory stays flat whatever the size.
// 3. address/tree/list over HTTP on the full tree: 500 name-prefix searches and 500 children-of-node searches,
//    one at a time (exact p50/p95), plus a leading-wildcard search, and their SQL plans.
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:kladr
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DBFFile } from 'dbffile';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { freePort, freshDatabase, machine, nodeFlagsOf, startServer, stopServer, tempDir } from './lib.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PLACES = Number(process.env.KLADR_PLACES ?? 220_000);
const STREETS = Number(process.env.KLADR_STREETS ?? 1_300_000);
const RUNS = Number(process.env.RUNS ?? 3);
const REQUESTS = Number(process.env.REQUESTS ?? 500);
const DB = 'platform_bench_kladr';
const CLI = path.resolve('dist/src/modules/address/kladr-import.cli.js');
/** The node flags `npm run kladr:import` runs the CLI with (its heap cap), so the bench measures the same thing. */
const NODE_FLAGS = nodeFlagsOf('kladr:import');
const CLIENT = { id: 'bench', secret: 'bench-client-secret-0123456789' };

// ---- a synthetic release ---------------------------------------------------------------------------------

const ROOTS = [
  'Иван',
  'Петр',
  'Никол',
  'Алексе',
  'Михайл',
  'Васил',
  'Григор',
  'Дмитр',
  'Серге',
  'Андре',
  'Федор',
  'Степан',
  'Павл',
  'Семен',
  'Бор',
  'Лес',
  'Берез',
  'Сосн',
  'Дуб',
  'Липов',
  'Ольх',
  'Рябин',
  'Клен',
  'Озер',
  'Речн',
  'Горн',
  'Пол',
  'Луг',
  'Крас',
  'Бел',
  'Черн',
  'Зелен',
  'Нов',
  'Стар',
  'Верхн',
  'Нижн',
  'Больш',
  'Мал',
  'Высок',
  'Светл',
  'Тих',
  'Ясн',
  'Камен',
  'Песчан',
  'Глин',
  'Медвед',
  'Волч',
  'Лисич',
  'Журавл',
  'Соколь',
  'Голуб',
  'Ворон',
  'Орл',
  'Лебед',
  'Сорок',
  'Гусев',
  'Утк',
  'Рыбн',
  'Мельн',
  'Кузнец',
  'Гончар',
  'Плотнич',
];
const PLACE_ENDINGS = ['овка', 'ино', 'ево', 'ское', 'цы', 'ки', 'ово', 'ище', 'ец', 'ая Поляна', 'ый Бор', 'ые Дворы', 'ка', 'ичи', 'ята'];
const SURNAMES = [
  'Ленина',
  'Пушкина',
  'Гагарина',
  'Чехова',
  'Толстого',
  'Гоголя',
  'Лермонтова',
  'Кирова',
  'Жукова',
  'Суворова',
  'Кутузова',
  'Ломоносова',
  'Менделеева',
  'Некрасова',
  'Островского',
  'Чапаева',
  'Фрунзе',
  'Калинина',
  'Маяковского',
  'Есенина',
  'Горького',
  'Тургенева',
  'Крылова',
  'Шолохова',
  'Королева',
  'Циолковского',
  'Попова',
  'Павлова',
  'Мичурина',
  'Титова',
];
const ADJECTIVES = [
  'Садовая',
  'Лесная',
  'Школьная',
  'Центральная',
  'Набережная',
  'Полевая',
  'Советская',
  'Молодежная',
  'Новая',
  'Заречная',
  'Луговая',
  'Солнечная',
  'Зеленая',
  'Речная',
  'Озерная',
  'Березовая',
  'Сосновая',
  'Рабочая',
  'Почтовая',
  'Вокзальная',
  'Северная',
  'Южная',
  'Восточная',
  'Западная',
  'Цветочная',
  'Железнодорожная',
  'Садовая',
  'Парковая',
  'Пионерская',
  'Комсомольская',
];
const STREET_SOCR = ['ул', 'ул', 'ул', 'ул', 'пер', 'пр-кт', 'проезд', 'б-р', 'ш', 'пл', 'туп', 'мкр'];
const SETTLEMENT_SOCR = ['д', 'д', 'с', 'п', 'х', 'рп', 'снт', 'ст'];
const SOCRBASE = [
  ['1', 'обл', 'Область'],
  ['1', 'край', 'Край'],
  ['1', 'Респ', 'Республика'],
  ['1', 'г', 'Город'],
  ['1', 'АО', 'Автономный округ'],
  ['2', 'р-н', 'Район'],
  ['2', 'у', 'Улус'],
  ['3', 'г', 'Город'],
  ['3', 'п', 'Поселок'],
  ['3', 'тер', 'Территория'],
  ['4', 'д', 'Деревня'],
  ['4', 'с', 'Село'],
  ['4', 'п', 'Поселок'],
  ['4', 'х', 'Хутор'],
  ['4', 'рп', 'Рабочий поселок'],
  ['4', 'снт', 'Садовое неком-е товарищество'],
  ['4', 'ст', 'Станция'],
  ['5', 'ул', 'Улица'],
  ['5', 'пер', 'Переулок'],
  ['5', 'пр-кт', 'Проспект'],
  ['5', 'проезд', 'Проезд'],
  ['5', 'б-р', 'Бульвар'],
  ['5', 'ш', 'Шоссе'],
  ['5', 'пл', 'Площадь'],
  ['5', 'туп', 'Тупик'],
  ['5', 'мкр', 'Микрорайон'],
  ['6', 'д', 'Дом'],
];

let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = (list) => list[Math.floor(random() * list.length)];
const digits = (n, width) => String(n).padStart(width, '0');
const placeName = () => `${pick(ROOTS)}${pick(PLACE_ENDINGS)}`;
const streetName = () => {
  const r = random();
  if (r < 0.45) return pick(SURNAMES);
  if (r < 0.85) return pick(ADJECTIVES);
  if (r < 0.95) return `${1 + Math.floor(random() * 5)}-я ${pick(ADJECTIVES)}`;
  return `${pick(ROOTS)}${pick(['ская', 'овая', 'иная'])}`;
};
/** About 2 % of the records are history: actuality 51 (re-subordinated) or 01..50 (renamed). */
const actuality = () => (random() < 0.02 ? pick(['51', '01', '02', '99']) : '00');
const postal = () => (random() < 0.7 ? String(100000 + Math.floor(random() * 800000)) : '');
const okato = () => (random() < 0.8 ? String(10000000000 + Math.floor(random() * 89999999999)) : '');

const FIELDS = {
  places: [
    ['NAME', 40],
    ['SOCR', 10],
    ['CODE', 13],
    ['INDEX', 6],
    ['GNINMB', 4],
    ['UNO', 4],
    ['OCATD', 11],
    ['STATUS', 1],
  ],
  streets: [
    ['NAME', 40],
    ['SOCR', 10],
    ['CODE', 17],
    ['INDEX', 6],
    ['GNINMB', 4],
    ['UNO', 4],
    ['OCATD', 11],
  ],
  socrbase: [
    ['LEVEL', 5],
    ['SCNAME', 10],
    ['SOCRNAME', 29],
    ['KOD_T_ST', 3],
  ],
};
const descriptors = (fields) => fields.map(([name, size]) => ({ name, type: 'C', size }));

/** Writes records from a generator in batches (never the whole file in memory). */
async function writeDbf(file, fields, records) {
  await rm(file, { force: true });
  const dbf = await DBFFile.create(file, descriptors(fields), { encoding: 'cp866' });
  let batch = [];
  for (const r of records) {
    batch.push(r);
    if (batch.length === 20_000) {
      await dbf.appendRecords(batch);
      batch = [];
    }
  }
  if (batch.length) await dbf.appendRecords(batch);
}

/** The places: 85 regions, 25 districts each, 2 cities per district and 3 region-level cities, then settlements. */
function layout(places) {
  const regions = 85;
  const districts = 25;
  const settlements = Math.max(0, places - regions - regions * districts - regions * districts * 2 - regions * 3);
  return { regions, districts, perDistrict: Math.floor(settlements / (regions * districts)) };
}

function* placeRecords(places, cities, settlementsOut) {
  const { regions, districts, perDistrict } = layout(places);
  let written = 0;
  const place = (name, socr, code) => {
    written++;
    return { NAME: name, SOCR: socr, CODE: `${code}${actuality()}`, INDEX: postal(), GNINMB: '', UNO: '', OCATD: okato(), STATUS: '0' };
  };
  for (let ss = 1; ss <= regions; ss++) {
    const s = digits(ss, 2);
    yield place(`${pick(ROOTS)}ская`, pick(['обл', 'край', 'Респ']), `${s}00000000000`.slice(0, 11));
    for (let g = 1; g <= 3; g++) {
      cities.push(`${s}000${digits(g, 3)}000`);
      yield place(placeName(), 'г', `${s}000${digits(g, 3)}000`);
    }
    for (let rr = 1; rr <= districts; rr++) {
      const r = digits(rr, 3);
      yield place(`${pick(ROOTS)}ский`, 'р-н', `${s}${r}000000`);
      for (let g = 1; g <= 2; g++) {
        cities.push(`${s}${r}${digits(g, 3)}000`);
        yield place(placeName(), 'г', `${s}${r}${digits(g, 3)}000`);
      }
      for (let p = 1; p <= perDistrict; p++) {
        const code = `${s}${r}000${digits(p, 3)}`;
        if (settlementsOut.length < 2_000_000) settlementsOut.push(code);
        yield place(placeName(), pick(SETTLEMENT_SOCR), code);
      }
    }
  }
  // top up to the exact count with settlements inside the first cities
  for (let i = 0; written < places; i++)
    yield place(
      placeName(),
      pick(SETTLEMENT_SOCR),
      `${cities[i % cities.length].slice(0, 8)}${digits(1 + Math.floor(i / cities.length), 3)}`,
    );
}

/** 150 streets in every city, the rest spread over the settlements. */
function* streetRecords(streets, cities, settlements) {
  let written = 0;
  const street = (parent, n) => {
    written++;
    return {
      NAME: streetName(),
      SOCR: pick(STREET_SOCR),
      CODE: `${parent}${digits(n, 4)}${actuality()}`,
      INDEX: postal(),
      GNINMB: '',
      UNO: '',
      OCATD: okato(),
    };
  };
  for (const city of cities) for (let n = 1; n <= 150 && written < streets; n++) yield street(city, n);
  const per = Math.ceil((streets - written) / settlements.length);
  for (const settlement of settlements) for (let n = 1; n <= per && written < streets; n++) yield street(settlement, n);
}

async function generate(places, streets) {
  const dir = path.join(os.tmpdir(), `kladr-bench-${places}-${streets}`);
  if (existsSync(path.join(dir, 'done'))) return { dir, seconds: 0, reused: true };
  const t0 = performance.now();
  await mkdir(dir, { recursive: true });
  seed = 42;
  const cities = [];
  const settlements = [];
  await writeDbf(path.join(dir, 'KLADR.DBF'), FIELDS.places, placeRecords(places, cities, settlements));
  await writeDbf(path.join(dir, 'STREET.DBF'), FIELDS.streets, streetRecords(streets, cities, settlements));
  await writeDbf(
    path.join(dir, 'SOCRBASE.DBF'),
    FIELDS.socrbase,
    SOCRBASE.map(([LEVEL, SCNAME, SOCRNAME]) => ({ LEVEL, SCNAME, SOCRNAME, KOD_T_ST: '' })),
  );
  await writeFile(path.join(dir, 'done'), '');
  return { dir, seconds: (performance.now() - t0) / 1000, reused: false };
}

// ---- measuring -------------------------------------------------------------------------------------------

/** Runs the built CLI; wall time, its own summary line, and the peak RSS (VmHWM) sampled every 25 ms. */
async function runImport(dir, url) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, dir], {
    env: { PATH: process.env.PATH, DATABASE_URL: url, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  let peakKb = 0;
  // readFileSync: a sample must not overlap the next, and /proc reads do not block.
  const sample = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // exited
    }
  }, 25);
  const [code] = await once(child, 'exit');
  clearInterval(sample);
  if (code !== 0) throw new Error(`import failed (${code}):\n${out}`);
  const reported = Number(/imported \(run \d+\) in ([\d.]+) s/.exec(out)?.[1]);
  return {
    wallSeconds: (performance.now() - t0) / 1000,
    importSeconds: reported,
    peakRssMb: Math.round(peakKb / 1024),
    output: out.split('\n').filter((l) => /^(KLADR|  )/.test(l)),
  };
}

/** COPY of the dumped rows into a new table with the tree's columns and indexes (`withIndexes`), or without. */
async function bareCopy(db, dump, withIndexes) {
  await db.query('DROP TABLE IF EXISTS bench_copy');
  const t0 = performance.now();
  await db.query('BEGIN');
  await db.query(`CREATE TABLE bench_copy (LIKE address_tree INCLUDING ${withIndexes ? 'ALL' : 'DEFAULTS'})`);
  await pipeline(createReadStream(dump), db.query(copyFrom(`COPY bench_copy FROM STDIN`)));
  await db.query('COMMIT');
  const seconds = (performance.now() - t0) / 1000;
  await db.query('DROP TABLE bench_copy');
  return seconds;
}

async function sequential(count, send) {
  const times = [];
  for (let n = 0; n < count; n++) {
    const t0 = performance.now();
    const res = await send(n);
    if (!res.ok) throw new Error(`request failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] * 10) / 10;
  return { requests: count, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

// ---- the run ---------------------------------------------------------------------------------------------

const url = await freshDatabase(adminUrl, DB);

const result = { machine: machine(), loadAverageAtStart: os.loadavg().map((x) => round(x)), places: PLACES, streets: STREETS };
const full = await generate(PLACES, STREETS);
const small = await generate(Math.round(PLACES / 10), Math.round(STREETS / 10));
result.generated = {
  seconds: round(full.seconds, 1),
  reused: full.reused,
  bytes: (await stat(path.join(full.dir, 'STREET.DBF'))).size + (await stat(path.join(full.dir, 'KLADR.DBF'))).size,
};
console.log(`release in ${full.dir} (${full.reused ? 'reused' : `generated in ${result.generated.seconds} s`})`);

const db = new pg.Client({ connectionString: url.href });
const dump = path.join(await tempDir('kladr-bench-dump-'), 'tree.copy');
result.runs = [];
result.nodeFlags = NODE_FLAGS;
try {
  for (let run = 1; run <= RUNS; run++) {
    const imported = await runImport(full.dir, url.href);
    if (run === 1) {
      await db.connect();
      result.summary = imported.output;
      await pipeline(db.query(copyTo('COPY address_tree TO STDOUT')), createWriteStream(dump));
      result.rows = Number((await db.query('SELECT count(*) FROM address_tree')).rows[0].count);
    }
    const copyIndexed = await bareCopy(db, dump, true);
    const copyPlain = await bareCopy(db, dump, false);
    const figures = {
      importWallSeconds: round(imported.wallSeconds),
      importSeconds: imported.importSeconds,
      bareCopyIndexedSeconds: round(copyIndexed),
      bareCopyNoIndexSeconds: round(copyPlain),
      ratioWallToIndexedCopy: round(imported.wallSeconds / copyIndexed),
      ratioImportToIndexedCopy: round(imported.importSeconds / copyIndexed),
      peakRssMb: imported.peakRssMb,
      loadAverage1m: round(os.loadavg()[0]),
    };
    result.runs.push(figures);
    console.log(`run ${run}:`, JSON.stringify(figures));
  }
  const tenth = await runImport(small.dir, url.href);
  result.tenthSize = {
    places: Math.round(PLACES / 10),
    streets: Math.round(STREETS / 10),
    peakRssMb: tenth.peakRssMb,
    importSeconds: tenth.importSeconds,
  };
  // the full tree again, for the list latencies
  await runImport(full.dir, url.href);
  result.medians = Object.fromEntries(
    ['importWallSeconds', 'importSeconds', 'bareCopyIndexedSeconds', 'ratioWallToIndexedCopy', 'ratioImportToIndexedCopy', 'peakRssMb'].map(
      (k) => [k, median(result.runs.map((r) => r[k]))],
    ),
  );

  // address/tree/list over HTTP
  const port = await freePort();
  const { child } = await startServer({
    PORT: String(port),
    DATA_DIR: await tempDir('platform-bench-kladr-'),
    DATABASE_URL: url.href,
    LOG_LEVEL: 'warn',
    OIDC_ISSUER: `http://127.0.0.1:${port}/oauth2`,
    BOOTSTRAP_ADMIN_USERNAME: 'bench',
    BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password',
    BOOTSTRAP_CLIENT_ID: CLIENT.id,
    BOOTSTRAP_CLIENT_SECRET: CLIENT.secret,
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    const tokenRes = await fetch(`${base}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        username: 'bench',
        password: 'bench-admin-password',
        scope: 'api',
      }),
    });
    if (!tokenRes.ok) throw new Error(`token: ${tokenRes.status} ${await tokenRes.text()}`);
    const token = (await tokenRes.json()).access_token;
    const list = (body) =>
      fetch(`${base}/api/v1/address/tree/list`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    // prefixes of real names, and parents that have children (cities and settlements), drawn from the tree
    const prefixes = (
      await db.query(`SELECT DISTINCT left(name, 4) AS p FROM address_tree TABLESAMPLE SYSTEM (1) WHERE level > 0 LIMIT 300`)
    ).rows.map((r) => r.p);
    const parents = (await db.query(`SELECT id FROM address_tree TABLESAMPLE SYSTEM (2) WHERE level IN (3, 4) LIMIT 500`)).rows.map(
      (r) => r.id,
    );
    const fragments = prefixes.map((p) => p.slice(1, 4).toLowerCase());
    const prefixBody = (n) => ({ search: [{ field: 'name', compare: 'LKE', value: `${prefixes[n % prefixes.length]}%` }], reclimit: 50 });
    const childrenBody = (n) => ({ filter: { parent: Number(parents[n % parents.length]) }, reclimit: 50 });
    const wildcardBody = (n) => ({
      search: [{ field: 'name', compare: 'LKE', value: `%${fragments[n % fragments.length]}%` }],
      reclimit: 50,
    });
    await sequential(50, (n) => list(prefixBody(n))); // warm-up
    result.list = {
      namePrefix: { example: prefixBody(0), ...(await sequential(REQUESTS, (n) => list(prefixBody(n)))) },
      childrenOfNode: { example: childrenBody(0), ...(await sequential(REQUESTS, (n) => list(childrenBody(n)))) },
      leadingWildcard: { example: wildcardBody(0), ...(await sequential(REQUESTS, (n) => list(wildcardBody(n)))) },
    };
    const plan = async (where, params) =>
      (
        await db.query(
          `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT * FROM address_tree n WHERE ${where} ORDER BY n.id LIMIT 50`,
          params,
        )
      ).rows.map((r) => r['QUERY PLAN']);
    result.plans = {
      namePrefix: await plan(`n.name LIKE CAST($1 AS text)`, [`${prefixes[0]}%`]),
      childrenOfNode: await plan(`n.parent = CAST($1 AS bigint)`, [parents[0]]),
      leadingWildcard: await plan(`n.name LIKE CAST($1 AS text)`, [`%${fragments[0]}%`]),
    };
  } finally {
    await stopServer(child);
  }
} finally {
  await db.end().catch(() => {});
  await rm(path.dirname(dump), { recursive: true, force: true });
}
result.loadAverageAtEnd = os.loadavg().map((x) => round(x));
await mkdir('bench/results', { recursive: true });
const file = path.join('bench/results', `kladr-${Date.now()}.json`);
await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ ...result, plans: undefined }, null, 2));
console.log(`written to ${file}`);
