// Requests/s of /api/v1/ping through the whole HTTP pipeline (helmet, request id, logging, body parsers,
// filters), under autocannon -c 50 -d 10. Uses DATABASE_URL when set, else the embedded default.
// Run: npm run bench:ping   (CONNECTIONS, DURATION, LOG_LEVEL and WEB_CONCURRENCY may be set)
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, machine, startServer, stopServer, tempDir } from './lib.js';

const connections = Number(process.env.CONNECTIONS ?? 50);
const duration = Number(process.env.DURATION ?? 10);
const dataDir = await tempDir('platform-bench-');
const port = await freePort();
const { child } = await startServer({
  PORT: String(port),
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: String(await freePort()),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  ...(process.env.WEB_CONCURRENCY ? { WEB_CONCURRENCY: process.env.WEB_CONCURRENCY } : {}),
});
// startServer drains stdout (the request logs), as a log shipper would
try {
  const url = `http://127.0.0.1:${port}/api/v1/ping`;
  await autocannon({ url, connections: 10, duration: 2 }); // warm-up
  const r = await autocannon({ url, connections, duration });
  const result = {
    benchmark: 'GET /api/v1/ping',
    date: new Date().toISOString(),
    machine: machine(),
    connections,
    durationSeconds: duration,
    logLevel: process.env.LOG_LEVEL ?? 'info',
    workers: Number(process.env.WEB_CONCURRENCY ?? 1),
    requestsPerSecond: { mean: r.requests.average, p50: r.requests.p50, min: r.requests.min },
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    errors: r.errors,
    non2xx: r.non2xx,
    total: r.requests.total,
  };
  console.log(JSON.stringify(result, null, 2));
  await writeFile(path.join('bench', 'results', `ping-${Date.now()}.json`), JSON.stringify(result, null, 2));
} finally {
  await stopServer(child);
  await rm(dataDir, { recursive: true, force: true });
}
