/**
 * bench/RESULTS.md is rewritten by `npm run bench` from results.json; sections written by other
 * commands live in marked blocks of the same file, which every rewrite keeps: the HTML report's
 * figures (`npm run bench:report`, `report-size`) and the webhook latencies
 * (`--scenario webhooks`, `webhooks-latency`), several workers on one Propstreet token
 * (`--scenario shared-token`, `shared-token`), tenants per hour by worker count (`--scenario
 * scale-out`, `scale-out`), the companies scenarios' calls (`companies-calls`),
 * and the ref outbox's CRM-complete figures (from the `initial-hubspot` console lines, `ref-outbox`).
 */
export const REPORT_SECTION = 'report-size';
export const WEBHOOKS_SECTION = 'webhooks-latency';
export const SHARED_TOKEN_SECTION = 'shared-token';
export const SCALE_OUT_SECTION = 'scale-out';
export const COMPANIES_SECTION = 'companies-calls';
const REF_OUTBOX_SECTION = 'ref-outbox';
/** Marked sections, in the order a rewrite puts them back. */
export const KEPT_SECTIONS: readonly string[] = [
  COMPANIES_SECTION,
  WEBHOOKS_SECTION,
  SHARED_TOKEN_SECTION,
  SCALE_OUT_SECTION,
  REF_OUTBOX_SECTION,
  REPORT_SECTION,
];

const markers = (name: string) => [`<!-- ${name}: begin -->`, `<!-- ${name}: end -->`] as const;

/** The section `name` of `markdown` (markers included), or '' when it has none. */
export function markedSection(markdown: string, name: string): string {
  const [begin, end] = markers(name);
  const a = markdown.indexOf(begin);
  const b = markdown.indexOf(end);
  return a >= 0 && b > a ? markdown.slice(a, b + end.length) : '';
}

/** `markdown` with its section `name` replaced by `body` (appended when it has none). */
export function withMarkedSection(markdown: string, name: string, body: string): string {
  const [begin, end] = markers(name);
  const block = `${begin}\n${body}\n${end}`;
  const old = markedSection(markdown, name);
  return old ? markdown.replace(old, () => block) : `${markdown.trimEnd()}\n\n${block}\n`;
}

/** The HTML report's section of `markdown` (markers included), or ''. */
export function reportSection(markdown: string): string {
  return markedSection(markdown, REPORT_SECTION);
}

/** `markdown` with its HTML report section replaced by `body` (appended when it has none). */
export function withReportSection(markdown: string, body: string): string {
  return withMarkedSection(markdown, REPORT_SECTION, body);
}
