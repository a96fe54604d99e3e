/** Plan and run reports: terminal, Markdown, HTML, JSON, and writing them to a file. */

export { type JsonReportStream, openJsonReportStream } from './json-report-stream.js';
export { RecordDigest } from './record-digest.js';
export { esc, renderHtml } from './render-html.js';
export { renderJson } from './render-json.js';
export { md, renderMarkdown } from './render-markdown.js';
export { renderTerminal, shouldUseColor, type TerminalOptions } from './render-terminal.js';
export type { ConnectionPlanReport, PlanReport, RecordSummary } from './report-model.js';
export { type ReportFormat, renderReport, reportFormatFor, writeReport } from './write-report.js';
