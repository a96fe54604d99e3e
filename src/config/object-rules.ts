/**
 * Cross-field rules of a connection's object kinds (`objects` and the kinds' blocks), on the
 * interpolated data like the other rules: each guards the shapes it reads, so a value the
 * schema already refused is not reported twice.
 */
import { matchRuleSchema } from '../core/vocabulary.js';
import type { ConfigProblem } from './config-problems.js';
import { hubspotKeyProblem, salesforceKeyProblem } from './key-field-names.js';
import { matchRulesOf, OBJECT_KINDS, type ObjectKind } from './object-kinds.js';
import { isRecord } from './secret-fields.js';

type Path = readonly (string | number)[];

/** The connection's keys that are the contacts kind's (where they were before kinds). */
const CONTACTS_KEYS = ['mapping', 'mappingOverrides', 'keyProperty', 'externalIdField'] as const;

export function objectRules(c: Record<string, unknown>, i: number): ConfigProblem[] {
  const at: Path = ['connections', i];
  const synced = syncedKinds(c.objects);
  return [
    ...duplicateKinds(c.objects, at),
    ...OBJECT_KINDS.flatMap((kind) => blockRules(c, kind, synced, at)),
    ...contactsKeyRules(c, synced, at),
    ...connectionMatchRule(c.match, synced, at),
  ];
}

/** The kinds the connection syncs as far as the file says (default: contacts); unknown names left out. */
function syncedKinds(objects: unknown): ObjectKind[] {
  if (objects === undefined) return ['contacts'];
  if (!Array.isArray(objects)) return [];
  return objects.filter((k): k is ObjectKind => OBJECT_KINDS.includes(k));
}

function duplicateKinds(objects: unknown, at: Path): ConfigProblem[] {
  if (!Array.isArray(objects)) return [];
  const first = new Map<unknown, number>();
  const problems: ConfigProblem[] = [];
  objects.forEach((kind: unknown, j) => {
    const seen = first.get(kind);
    if (seen === undefined) first.set(kind, j);
    else if (typeof kind === 'string')
      problems.push({
        path: [...at, 'objects', j],
        message: `expected each object kind once, got "${kind}" again (also objects[${seen}])`,
      });
  });
  return problems;
}

/** A kind's block: only for a kind the connection syncs; its match rules and key must fit the kind. */
function blockRules(
  c: Record<string, unknown>,
  kind: ObjectKind,
  synced: readonly ObjectKind[],
  at: Path,
): ConfigProblem[] {
  const block = c[kind];
  if (!isRecord(block)) return [];
  const path = [...at, kind];
  if (!synced.includes(kind))
    return [
      {
        path,
        message: `expected ${kind} in objects to configure it, got a ${kind} block while the connection syncs ${synced.join(', ') || 'nothing'}`,
        at: 'key',
      },
    ];
  const problems: ConfigProblem[] = [];
  if (Array.isArray(block.match))
    block.match.forEach((rule: unknown, j) => {
      if (isKnownRule(rule) && !matchRulesOf(kind).includes(rule))
        problems.push({
          path: [...path, 'match', j],
          message: `expected a match rule for ${kind} (${matchRulesOf(kind).join(' | ')}), got "${rule}"`,
        });
    });
  if (c.type === 'hubspot')
    problems.push(...hubspotKeyProblem(block.keyProperty, [...path, 'keyProperty'], kind));
  if (c.type === 'salesforce')
    problems.push(...salesforceKeyProblem(block.externalIdField, [...path, 'externalIdField'], kind));
  return problems;
}

/**
 * The connection's own mapping and key are the contacts kind's: written once (there or in the
 * contacts block), and only when the connection syncs contacts (a companies mapping written
 * there would otherwise be read as the contacts one, or silently unused).
 */
function contactsKeyRules(
  c: Record<string, unknown>,
  synced: readonly ObjectKind[],
  at: Path,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const block = isRecord(c.contacts) ? c.contacts : {};
  for (const key of CONTACTS_KEYS) {
    if (c[key] === undefined) continue;
    if (!synced.includes('contacts'))
      problems.push({
        path: [...at, key],
        message: `expected ${key} here only when the connection syncs contacts (it is the contacts kind's; other kinds set theirs in their block, e.g. companies.${key}), got it with objects ${synced.join(', ') || '(none)'}`,
        at: 'key',
      });
    else if (block[key] !== undefined)
      problems.push({
        path: [...at, 'contacts', key],
        message: `expected either connections[${at[1]}].${key} or connections[${at[1]}].contacts.${key}, got both`,
        at: 'key',
      });
  }
  if (c.type === 'hubspot') problems.push(...hubspotKeyProblem(c.keyProperty, [...at, 'keyProperty']));
  if (c.type === 'salesforce')
    problems.push(...salesforceKeyProblem(c.externalIdField, [...at, 'externalIdField']));
  return problems;
}

/** A connection's match rule is for its kinds: one that none of them has is a mistake (`domain` with contacts alone). */
function connectionMatchRule(match: unknown, synced: readonly ObjectKind[], at: Path): ConfigProblem[] {
  if (!Array.isArray(match) || synced.length === 0) return [];
  const problems: ConfigProblem[] = [];
  match.forEach((rule: unknown, j) => {
    if (isKnownRule(rule) && !synced.some((kind) => matchRulesOf(kind).includes(rule)))
      problems.push({
        path: [...at, 'match', j],
        message: `expected a match rule of the object kinds synced (${synced.map((k) => `${k}: ${matchRulesOf(k).join(' | ')}`).join('; ')}), got "${rule}"`,
      });
  });
  return problems;
}

function isKnownRule(rule: unknown): rule is string {
  return typeof rule === 'string' && (matchRuleSchema.options as readonly string[]).includes(rule);
}
