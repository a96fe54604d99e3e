/** Plan and run reports: terminal, Markdown, HTML, JSON, and writing them to a file. */

export { type JsonReportStream, openJsonReportStream } from './json-report-stream.js';
export { RecordDigest } from './record-digest.js';
export { renderHtml } from './render-html.js';
export { renderJson } from './render-json.js';
export { renderMarkdown } from './render-markdown.js';
export { renderTerminal, type TerminalOptions } from './render-terminal.js';
export type { ConnectionPlanReport, PlanReport, RecordSummary, ReportOptions } from './report-model.js';
export { type ReportFormat, reportFormatFor, writeReport } from './write-report.js';
