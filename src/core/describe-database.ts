/** A database URL as it may be printed: host, port and database, never the user or password. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Why a connection or a file failed, in one short line: the system code and first line of
 * the message (`connect ECONNREFUSED 127.0.0.1:5432`), or, for Node's AggregateError (both
 * IPv6 and IPv4 refused), the first of its errors.
 */
export function reasonOf(error: unknown): string {
  const inner = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  if (!(inner instanceof Error)) return String(inner);
  const code = (inner as NodeJS.ErrnoException).code;
  const first = (inner.message.split('\n')[0] ?? '').trim() || inner.name;
  const text = code && !first.includes(code) ? `${first} (${code})` : first;
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
