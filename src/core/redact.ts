/**
 * Secrets are registered once (from config) and scrubbed from any text that leaves the
 * process: log lines, error messages, reports. Structured redaction (pino `redact`) covers
 * known keys; this covers a token that ends up inside a message or URL.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined | null): void {
  // Very short values would redact ordinary words; real tokens are long.
  if (value && value.length >= 8) secrets.add(value);
}

export function redactText(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && typeof v === 'string' ? '[REDACTED]' : redactDeep(v);
    }
    return out as T;
  }
  return value;
}

export const SECRET_KEY = /token|secret|password|authorization|apikey|api_key|clientsecret/i;
