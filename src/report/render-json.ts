/**
 * The report for machines: the PlanReport as is, secrets scrubbed, keys sorted at every level
 * so two reports of the same plan are byte-identical and diff cleanly. A report written
 * while the plan runs (`json-report-stream.ts`) has the same bytes without holding it whole.
 */
import { type PlanReport, prepareReport, type ReportOptions } from './report-model.js';
import { sortedJsonAt } from './sorted-json.js';

export function renderJson(report: PlanReport, options: ReportOptions): string {
  return `${sortedJsonAt(prepareReport(report, options.redactor), 0)}\n`;
}
