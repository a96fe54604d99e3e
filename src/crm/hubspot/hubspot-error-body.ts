/** What HubSpot's error answers carry, read defensively (every field may be missing). */

/** What HubSpot said, kept as the `cause` of the typed error for callers that need detail. */
export class HubSpotResponseInfo extends Error {
  constructor(
    readonly status: number,
    readonly body: HubSpotErrorBody | undefined,
    readonly headers: Readonly<Record<string, string>>,
  ) {
    super(`HubSpot answered ${status}`);
    this.name = 'HubSpotResponseInfo';
  }
}

export interface HubSpotErrorBody {
  readonly status?: string;
  readonly message?: string;
  readonly category?: string;
  readonly policyName?: string;
  readonly errors?: readonly { message?: string; code?: string; context?: Record<string, string[]> }[];
  readonly context?: Record<string, string[]>;
}

/** One entry of the "Property values were not valid: [...]" list. */
export interface PropertyIssue {
  readonly name: string;
  readonly error: string;
  readonly message: string;
}

interface ApiExceptionLike {
  code: number;
  body: unknown;
  headers: Record<string, string>;
}

export function isApiException(e: unknown): e is ApiExceptionLike {
  return (
    typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number' && 'body' in e
  );
}

export function responseInfo(e: unknown): HubSpotResponseInfo | undefined {
  const cause = e instanceof Error ? e.cause : undefined;
  return cause instanceof HubSpotResponseInfo ? cause : undefined;
}

export function asBody(body: unknown): HubSpotErrorBody | undefined {
  if (typeof body === 'string') {
    try {
      return asBody(JSON.parse(body));
    } catch {
      // Whole: the message is redacted and only then clipped (hubspot-errors.ts `describe`); a
      // token cut here would no longer be recognised (bug 62).
      return { message: body };
    }
  }
  return typeof body === 'object' && body !== null ? (body as HubSpotErrorBody) : undefined;
}

export function existingIdOf(message: string | undefined): string | undefined {
  return message ? /Existing ID:\s*(\d+)/i.exec(message)?.[1] : undefined;
}

/** The per-property verdicts HubSpot embeds in a VALIDATION_ERROR message, or lists under `errors`. */
export function propertyIssues(body: HubSpotErrorBody | undefined): PropertyIssue[] {
  const out: PropertyIssue[] = [];
  const json = body?.message
    ? /Property values were not valid:\s*(\[.*\])\s*$/s.exec(body.message)?.[1]
    : undefined;
  if (json) {
    try {
      for (const item of JSON.parse(json) as { name?: unknown; error?: unknown; message?: unknown }[]) {
        if (typeof item.name === 'string')
          out.push({
            name: item.name,
            error: String(item.error ?? 'INVALID'),
            message: String(item.message ?? ''),
          });
      }
    } catch {
      // An unparseable list still leaves `errors` below.
    }
  }
  if (out.length === 0) {
    for (const e of body?.errors ?? []) {
      const name = e.context?.propertyName?.[0];
      if (name) out.push({ name, error: e.code ?? 'INVALID', message: e.message ?? '' });
    }
  }
  return out;
}
