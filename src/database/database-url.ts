/** `postgres://user:secret@host:5432/db` -> `host:5432/db`: what a log line or error may say about a URL. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
