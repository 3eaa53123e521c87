/**
 * A stream that passes socket reads on (the CompanySessions export: PostgreSQL's COPY out to the HTTP response)
 * leaves garbage V8 barely sees. Each read is a Buffer whose bytes live outside the JS heap and are freed only when
 * a young-generation collection (a scavenge) finds its small JS object dead; such a stream allocates almost nothing
 * on the JS heap, so scavenges are rare and dead reads pile up: about 30 MB of RSS during an export.
 *
 * `youngCollector(everyBytes)` gives a meter: call it with each chunk's length, and it runs a scavenge each time
 * `everyBytes` more have passed. A scavenge of a heap with little young garbage takes well under a millisecond. It
 * needs V8's `gc` function, which `npm start` exposes (`--expose-gc`, docs/operations.md "Memory"); in a process
 * without it (tests, a bare `node dist/src/main.js`) the meter does nothing and memory is only higher.
 */
export type ByteMeter = (bytes: number) => void;

type Collect = (options: { type: 'minor' | 'major' }) => void;

export function youngCollector(everyBytes: number, collect: Collect | undefined = exposedGc()): ByteMeter {
  if (!collect) return () => {};
  let passed = 0;
  return (bytes) => {
    passed += bytes;
    if (passed < everyBytes) return;
    passed = 0;
    collect({ type: 'minor' });
  };
}

function exposedGc(): Collect | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as Collect) : undefined;
}
