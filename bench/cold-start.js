// Cold start of `node dist/src/main.js` on the embedded database: time from spawn to "listening",
// with a fresh data dir (initdb included) and with an existing one. RUNS (default 3) of each.
// Run: npm run bench:coldstart
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort, machine, startServer, stopServer, tempDir } from './lib.js';

const runs = Number(process.env.RUNS ?? 3);
const fresh = [];
const existing = [];
for (let i = 0; i < runs; i++) {
  const dir = await tempDir('platform-cold-');
  const env = { PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), DATA_DIR: dir, LOG_LEVEL: 'info' };
  try {
    const first = await startServer(env);
    fresh.push(first.ms);
    await stopServer(first.child);
    const second = await startServer(env);
    existing.push(second.ms);
    await stopServer(second.child);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
const summary = (xs) => ({
  runs: xs.map((x) => Math.round(x)),
  medianMs: Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]),
});
const result = {
  benchmark: 'cold start, embedded database',
  date: new Date().toISOString(),
  machine: machine(),
  freshDataDir: summary(fresh),
  existingDataDir: summary(existing),
};
console.log(JSON.stringify(result, null, 2));
await writeFile(path.join('bench', 'results', `cold-start-${Date.now()}.json`), JSON.stringify(result, null, 2));
