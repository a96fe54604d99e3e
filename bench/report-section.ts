/**
 * bench/RESULTS.md is rewritten by `npm run bench` from results.json; the HTML report's
 * figures come from `npm run bench:report` and live in a marked section of the same file,
 * which both keep.
 */
export const REPORT_SECTION = 'report-size';
const BEGIN = `<!-- ${REPORT_SECTION}: begin -->`;
const END = `<!-- ${REPORT_SECTION}: end -->`;

/** The marked section of `markdown` (markers included), or '' when it has none. */
export function reportSection(markdown: string): string {
  const a = markdown.indexOf(BEGIN);
  const b = markdown.indexOf(END);
  return a >= 0 && b > a ? markdown.slice(a, b + END.length) : '';
}

/** `markdown` with its marked section replaced by `body` (appended when it has none). */
export function withReportSection(markdown: string, body: string): string {
  const block = `${BEGIN}\n${body}\n${END}`;
  const old = reportSection(markdown);
  return old ? markdown.replace(old, () => block) : `${markdown.trimEnd()}\n\n${block}\n`;
}
