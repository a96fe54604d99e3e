/**
 * The report for machines: the PlanReport as is, secrets scrubbed, keys sorted at every level
 * so two reports of the same plan are byte-identical and diff cleanly.
 */
import { type PlanReport, prepareReport } from './report-model.js';
import { terminalSafeJson } from './visible-text.js';

export function renderJson(report: PlanReport): string {
  return `${terminalSafeJson(JSON.stringify(sortKeys(prepareReport(report)), null, 2))}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
