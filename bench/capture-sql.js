// Preloaded into the app's process by bench:floor (node --import): every statement pg sends whose text
// matches CAPTURE_SQL_MATCH is appended as one JSON line ({ text, values }) to CAPTURE_SQL_FILE, so that the
// benchmark can run the very SQL the app built (the list query) directly and compare.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// pg as the app resolves it (another build, DIST, has its own node_modules).
const pg = createRequire(process.argv[1])('pg');

const file = process.env.CAPTURE_SQL_FILE;
const match = process.env.CAPTURE_SQL_MATCH ? new RegExp(process.env.CAPTURE_SQL_MATCH, 's') : undefined;
if (file && match) {
  const query = Reflect.get(pg.Client.prototype, 'query');
  pg.Client.prototype.query = function capture(config, values, callback) {
    const text = typeof config === 'string' ? config : config?.text;
    const params = Array.isArray(values) ? values : config?.values;
    if (typeof text === 'string' && match.test(text)) appendFileSync(file, `${JSON.stringify({ text, values: params ?? [] })}\n`);
    return query.call(this, config, values, callback);
  };
}

// CPU_PROFILE=<file>: a V8 CPU profile of the whole process, written when it exits (node refuses --cpu-prof
// in NODE_OPTIONS).
if (process.env.CPU_PROFILE) {
  const { Session } = await import('node:inspector');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.once('exit', () =>
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(process.env.CPU_PROFILE, JSON.stringify(result.profile));
    }),
  );
}
