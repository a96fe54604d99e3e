/**
 * Writes a report file, the format picked by the extension. The file appears whole or not
 * at all (temp file + rename), so a CI step never uploads half a report.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { ValidationError } from '../core/errors.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import { renderMarkdown } from './render-markdown.js';
import { renderTerminal } from './render-terminal.js';
import type { PlanReport, ReportOptions } from './report-model.js';

export type ReportFormat = 'html' | 'markdown' | 'json' | 'text';

const BY_EXTENSION: Record<string, ReportFormat> = {
  '.html': 'html',
  '.htm': 'html',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.json': 'json',
  '.txt': 'text',
};

export function reportFormatFor(path: string): ReportFormat {
  const format = BY_EXTENSION[extname(path).toLowerCase()];
  if (!format) {
    throw new ValidationError(
      `report ${path}: expected a file ending in .html, .md, .json or .txt, got "${extname(path) || 'no extension'}"`,
      { report: ['unknown extension'] },
    );
  }
  return format;
}

export function renderReport(report: PlanReport, format: ReportFormat, options: ReportOptions): string {
  // Only Markdown caps its list; the others list every record, which a digest no longer has.
  if (format !== 'markdown' && report.connections.some((c) => c.summary))
    throw new Error(`a ${format} report lists every record: it cannot be rendered from a record digest`);
  switch (format) {
    case 'html':
      return renderHtml(report, options);
    case 'markdown':
      return renderMarkdown(report, options);
    case 'json':
      return renderJson(report, options);
    case 'text':
      return renderTerminal(report, { ...options, color: false, maxRecords: Number.POSITIVE_INFINITY });
  }
}

export async function writeReport(report: PlanReport, path: string, options: ReportOptions): Promise<void> {
  const content = renderReport(report, reportFormatFor(path), options);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, content, 'utf8');
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
