/**
 * The report's input (a plan, or a run's result with its plan) and the small views every
 * renderer shares, so terminal, Markdown and HTML say the same things in the same words.
 */

import { clipText, MESSAGE_MAX } from '../core/clip-text.js';
import type { Redactor } from '../core/redact.js';
import { boundRecord } from '../engine/bounded-result.js';
import type { ApiCalls, Notice, PlanCounts, RecordAction, RecordPlanShape } from '../engine/types.js';
import type { ConnectionResult } from '../run/run-result.js';
import { boundResult } from '../run/run-result.js';
import { boundLinks, type LinksReport } from './bound-links.js';

export interface ConnectionPlanReport {
  readonly result: ConnectionResult;
  readonly records: readonly RecordPlanShape[];
  /**
   * Set when `records` holds only the first of the listed records (`RecordDigest`): the
   * totals and summaries over all of them. Capped formats (terminal, Markdown) only.
   */
  readonly summary?: RecordSummary;
}

/** A connection's listed records in numbers: what the capped formats print before the list. */
export interface RecordSummary {
  /** Records the report lists (no-ops left out, but those holding a conflict). */
  readonly shown: number;
  /** Records left out as unchanged. */
  readonly unchanged: number;
  /** Changes per field, most first. */
  readonly fields: readonly [string, number][];
  /** Records per reason, most first. */
  readonly reasons: readonly [string, number][];
}

/** The records a connection lists and their summary: from `summary` when the list is capped. */
export function listedRecords(c: ConnectionPlanReport): {
  listed: RecordPlanShape[];
  summary: RecordSummary;
} {
  const listed = shownRecords(c.records);
  return {
    listed,
    summary: c.summary ?? {
      shown: listed.length,
      unchanged: c.records.length - listed.length,
      fields: fieldSummary(listed),
      reasons: reasonSummary(listed),
    },
  };
}

/** What every renderer and writer takes: the entry point's redactor, which the clients registered with. */
export interface ReportOptions {
  /** Required: a report scrubbed by a redactor nobody registered with would carry the tokens. */
  readonly redactor: Redactor;
}

export interface PlanReport {
  readonly generatedAt: string;
  readonly tenant: string;
  readonly dryRun: boolean;
  readonly connections: readonly ConnectionPlanReport[];
  /** Who works where: the links phase per connection that syncs links, after its kinds. */
  readonly links?: readonly LinksReport[];
}

/**
 * Reports leave the process: every string goes through the given redactor, then
 * labels, values and messages are bounded (a 300 KB name must not make a 2 MB report).
 */
export function prepareReport(report: PlanReport, redactor: Redactor): PlanReport {
  const scrubbed = redactor.redactDeep(report);
  return {
    ...scrubbed,
    connections: scrubbed.connections.map((c) => ({
      result: boundResult(c.result),
      records: c.records.map(boundRecord),
      ...(c.summary ? { summary: boundSummary(c.summary) } : {}),
    })),
    ...(scrubbed.links ? { links: boundLinks(scrubbed.links) } : {}),
  };
}

/** Field names and reasons are data too (a reason quotes an API error): bounded like them. */
function boundSummary(s: RecordSummary): RecordSummary {
  const bound = (entries: readonly [string, number][]) =>
    entries.map(([k, n]): [string, number] => [clipText(k, MESSAGE_MAX), n]);
  return { ...s, fields: bound(s.fields), reasons: bound(s.reasons) };
}

/** Applies `fn` to every string in a JSON-like value (data only: keys stay as they are). */
export function mapStrings<T>(value: T, fn: (text: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, fn);
    return out as T;
  }
  return value;
}

/** What a report lists: every record but the unchanged ones. */
/** Records a report lists: all but no-ops, except a no-op that holds a conflict for a person. */
export function shownRecords(records: readonly RecordPlanShape[]): RecordPlanShape[] {
  return records.filter((r) => r.action !== 'noop' || r.conflicts.length > 0);
}

export const ACTION_ORDER: readonly RecordAction[] = [
  'create-in-crm',
  'create-in-propstreet',
  'update',
  'link',
  'delete-in-crm',
  'delete-in-propstreet',
  'unlink',
  'skip',
  'invalid',
  'noop',
];

/** Tags a record can be filtered by: its action, plus `conflict`, `merge`, `guarded`, `problem`. */
export function recordTags(r: RecordPlanShape): string[] {
  const tags: string[] = [r.action];
  if (r.conflicts.length > 0 || r.notice?.kind === 'delete-vs-edit') tags.push('conflict');
  if (r.notice?.kind === 'crm-merge') tags.push('merge');
  if (r.guarded) tags.push('guarded');
  if (r.problems.length > 0) tags.push('problem');
  return tags;
}

const CRM_NAMES: Record<string, string> = { hubspot: 'HubSpot', salesforce: 'Salesforce' };

export function crmName(crm: string): string {
  return CRM_NAMES[crm.toLowerCase()] ?? crm;
}

/** The CRM type of a connection, from its kinds' results (a links section has none of its own). */
export function crmOfConnection(report: PlanReport): (connection: string) => string | undefined {
  return (connection) => report.connections.find((c) => c.result.connection === connection)?.result.crm;
}

/** Label → count, most frequent first (ties by label), for the summaries every format shows. */
export function tally(keys: Iterable<string>): [string, number][] {
  return sortedTally(countInto(new Map(), keys));
}

/** Adds one to `counts` per key: a tally kept across chunks. */
export function countInto(counts: Map<string, number>, keys: Iterable<string>): Map<string, number> {
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

export function sortedTally(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Changes per field name over both directions and conflicts: "firstName: 1,234 changes". */
export function fieldSummary(records: readonly RecordPlanShape[]): [string, number][] {
  return tally(changedFields(records));
}

export function* changedFields(records: readonly RecordPlanShape[]): Generator<string> {
  for (const r of records) {
    for (const c of r.toCrm) yield c.field;
    for (const c of r.toPropstreet) yield c.field;
    for (const k of r.conflicts) yield k.field;
  }
}

export function reasonSummary(records: readonly RecordPlanShape[]): [string, number][] {
  return tally(records.map((r) => r.reason));
}

/** Where the records a capped list leaves out are, in the words every capped format uses. */
export const FULL_LIST_HINT = 'write an .html or .json report to see all';

/** Records listed per connection by Markdown and the terminal before "… N more". */
export const DEFAULT_MAX_RECORDS = 200;

/** "firstName: 1,234 changes · email: 980 changes … and 3 more" (the top `top` entries). */
export function formatTally(entries: readonly [string, number][], unit: string, top = 10): string {
  const shown = entries
    .slice(0, top)
    .map(([k, n]) => `${k}: ${n.toLocaleString('en-US')} ${unit}${n === 1 ? '' : 's'}`);
  const more = entries.length - top;
  return `${shown.join(' · ')}${more > 0 ? ` … and ${more} more` : ''}`;
}

export function formatValue(value: string | null): string {
  return value === null ? '(empty)' : value;
}

export function recordIds(r: RecordPlanShape, crm: string): string {
  const parts: string[] = [];
  if (r.propstreetId) parts.push(`Propstreet ${r.propstreetId}`);
  if (r.crmId) parts.push(`${crmName(crm)} ${r.crmId}`);
  return parts.join(' ⇄ ');
}

/** The CRM record's current name where it differs from the label: "in HubSpot: Janet Doe". */
export function crmNameNote(r: RecordPlanShape, crm: string): string | undefined {
  return r.crmLabel === undefined ? undefined : `in ${crmName(crm)}: ${r.crmLabel}`;
}

/** The record's current names on both sides: "Jane Doe (in HubSpot: Janet Doe)", or the label. */
export function recordName(r: RecordPlanShape, crm: string): string {
  const note = crmNameNote(r, crm);
  return note === undefined ? r.label : `${r.label} (${note})`;
}

/** Notes beside the field changes: link write-backs and how the pair was linked. */
export function recordNotes(r: RecordPlanShape, crm: string): string[] {
  const notes: string[] = [];
  if (r.linkedBy) notes.push(`linked by ${r.linkedBy}`);
  if (r.writeCrmKey) notes.push(`writes the Propstreet id to ${crmName(crm)}`);
  if (r.writePropstreetRef) notes.push('writes the external ref to Propstreet');
  if (r.guarded) notes.push('held back by the mass-delete guard');
  if (r.notice && r.notice.text !== r.reason) notes.push(r.notice.text);
  for (const n of r.notSent ?? []) notes.push(n);
  return notes;
}

/** The notices section's heading, shared by every format. */
export function noticesTitle(notices: readonly Notice[]): string {
  return `Notices (${notices.length})`;
}

export interface CountLine {
  readonly label: string;
  /** Per side for create/update/delete; undefined for counts that have no side. */
  readonly propstreet: number | undefined;
  readonly crm: number | undefined;
  readonly total: number;
}

export function countLines(c: PlanCounts): CountLine[] {
  const sided = (label: string, v: { propstreet: number; crm: number }): CountLine => ({
    label,
    propstreet: v.propstreet,
    crm: v.crm,
    total: v.propstreet + v.crm,
  });
  const single = (label: string, total: number): CountLine => ({
    label,
    propstreet: undefined,
    crm: undefined,
    total,
  });
  return [
    sided('create', c.create),
    sided('update', c.update),
    sided('delete', c.delete),
    single('link', c.link),
    single('unlink', c.unlink),
    single('conflict', c.conflict),
    single('skip', c.skip),
    single('invalid', c.invalid),
    single('unchanged', c.noop),
  ];
}

export interface ApiCallSummary {
  readonly api: string;
  readonly total: number;
  readonly endpoints: readonly (readonly [string, number])[];
}

export function callSummaries(calls: ApiCalls, crm: string): ApiCallSummary[] {
  const summary = (api: string, byEndpoint: Readonly<Record<string, number>>): ApiCallSummary => {
    const endpoints = Object.entries(byEndpoint).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return { api, total: endpoints.reduce((n, [, v]) => n + v, 0), endpoints };
  };
  return [summary('Propstreet', calls.propstreet), summary(crmName(crm), calls.crm)];
}

export function formatCalls(s: ApiCallSummary): string {
  const detail = s.endpoints.map(([k, v]) => `${k}: ${v}`).join(', ');
  return `${s.api} ${s.total}${detail ? ` (${detail})` : ''}`;
}

export function reportTitle(report: PlanReport): string {
  return `propsync ${report.dryRun ? 'plan (dry run)' : 'run'}: ${report.tenant}`;
}
