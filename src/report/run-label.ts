/**
 * How every output names one object kind of one connection, `hubspot · companies`: report
 * headings and filters, progress lines, status and conflict listings.
 */
export function runLabel(run: { readonly connection: string; readonly kind: string }): string {
  return `${run.connection} · ${run.kind}`;
}
