/**
 * Binds a parsed query to an sObject's schema (unknown field → INVALID_FIELD, wrong literal type
 * → INVALID_FIELD, malformed id → INVALID_QUERY_FILTER_OPERATOR) and evaluates it over rows.
 * Text comparisons are case-insensitive, as SOQL's are; ids compare exactly.
 */
import type { FieldDef, SObjectSchema } from './sobject-schema.js';
import { pointAt, SoqlError } from './soql-lexer.js';
import type { Condition, Literal, SoqlQuery } from './soql-parser.js';

export type FieldValue = string | number | boolean | null;
/** A stored record: canonical field names; datetimes as epoch milliseconds. */
export type SObjectRow = Record<string, FieldValue>;

export interface BoundQuery {
  readonly fields: readonly FieldDef[];
  readonly where: Condition | undefined;
  readonly orderBy: readonly { field: FieldDef; desc: boolean; nullsLast: boolean }[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
}

const ID_SHAPE = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

export function bindQuery(q: SoqlQuery, schema: SObjectSchema): BoundQuery {
  if (q.object.toLowerCase() !== schema.objectName.toLowerCase()) {
    throw new SoqlError(
      'INVALID_TYPE',
      pointAt(q.soql, q.objectPos, `sObject type '${q.object}' is not supported.`),
    );
  }
  const resolve = (name: string, pos: number): FieldDef => {
    const def = schema.resolve(name);
    if (!def) {
      throw new SoqlError(
        'INVALID_FIELD',
        pointAt(
          q.soql,
          pos,
          `No such column '${name}' on entity '${schema.objectName}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
        ),
      );
    }
    return def;
  };
  const bindCond = (c: Condition): Condition => {
    switch (c.kind) {
      case 'and':
      case 'or':
        return { kind: c.kind, items: c.items.map(bindCond) };
      case 'not':
        return { kind: 'not', item: bindCond(c.item) };
      case 'cmp': {
        const def = resolve(c.field, c.pos);
        checkLiteral(q.soql, c.pos, def, c.value);
        return { ...c, field: def.name };
      }
      case 'in': {
        const def = resolve(c.field, c.pos);
        for (const v of c.values) checkLiteral(q.soql, c.pos, def, v);
        return { ...c, field: def.name };
      }
      case 'like': {
        const def = resolve(c.field, c.pos);
        if (!isText(def)) {
          throw new SoqlError(
            'INVALID_FIELD',
            pointAt(q.soql, c.pos, `invalid operator on field ${def.name}`),
          );
        }
        return { ...c, field: def.name };
      }
    }
  };
  return {
    fields: q.fields.map((f) => resolve(f.name, f.pos)),
    where: q.where ? bindCond(q.where) : undefined,
    orderBy: q.orderBy.map((o) => ({ field: resolve(o.field, o.pos), desc: o.desc, nullsLast: o.nullsLast })),
    limit: q.limit,
    offset: q.offset,
  };
}

function isText(def: FieldDef): boolean {
  return ['string', 'email', 'phone', 'url', 'picklist', 'textarea'].includes(def.type);
}

function checkLiteral(soql: string, pos: number, def: FieldDef, lit: Literal): void {
  if (lit.kind === 'null') return;
  const wrong = (expected: string, quoted: boolean) =>
    new SoqlError(
      'INVALID_FIELD',
      pointAt(
        soql,
        pos,
        `value of filter criterion for field '${def.name}' must be of type ${expected} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
      ),
    );
  if (def.type === 'datetime') {
    if (lit.kind !== 'datetime') throw wrong('dateTime', false);
  } else if (def.type === 'date') {
    if (lit.kind !== 'date') throw wrong('date', false);
  } else if (def.type === 'boolean') {
    if (lit.kind !== 'boolean') throw wrong('boolean', false);
  } else if (lit.kind !== 'string') {
    throw wrong('string', true);
  } else if ((def.type === 'id' || def.type === 'reference') && !ID_SHAPE.test(lit.value)) {
    throw new SoqlError(
      'INVALID_QUERY_FILTER_OPERATOR',
      pointAt(soql, pos, `invalid ID field: ${lit.value}`),
    );
  }
}

function literalValue(lit: Literal): FieldValue {
  return lit.kind === 'null' ? null : lit.value;
}

/** Total order on field values of one field: negative, zero or positive. */
function compareValues(def: FieldDef, a: FieldValue, b: FieldValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  if (def.type === 'id' || def.type === 'reference') return sa < sb ? -1 : sa > sb ? 1 : 0;
  const la = sa.toLowerCase();
  const lb = sb.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/** Compiled LIKE patterns: a query tests the same few patterns against every row. */
const likeCache = new Map<string, RegExp>();

function likeToRegExp(pattern: string): RegExp {
  const cached = likeCache.get(pattern);
  if (cached) return cached;
  if (likeCache.size >= 1000) likeCache.clear();
  const compiled = compileLike(pattern);
  likeCache.set(pattern, compiled);
  return compiled;
}

function compileLike(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      out += pattern[i + 1] === '%' ? '%' : '_';
      i++;
    } else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'is');
}

export function matches(row: SObjectRow, cond: Condition | undefined, schema: SObjectSchema): boolean {
  if (!cond) return true;
  switch (cond.kind) {
    case 'and':
      return cond.items.every((c) => matches(row, c, schema));
    case 'or':
      return cond.items.some((c) => matches(row, c, schema));
    case 'not':
      return !matches(row, cond.item, schema);
    case 'like': {
      const v = row[cond.field];
      return typeof v === 'string' && likeToRegExp(cond.pattern).test(v);
    }
    case 'in': {
      const def = schema.resolve(cond.field) as FieldDef;
      const v = row[cond.field] ?? null;
      const hit = cond.values.some((lit) => compareValues(def, v, literalValue(lit)) === 0);
      return cond.negated ? !hit : hit;
    }
    case 'cmp': {
      const def = schema.resolve(cond.field) as FieldDef;
      const v = row[cond.field] ?? null;
      const lit = literalValue(cond.value);
      if (cond.op === '=') return compareValues(def, v, lit) === 0;
      if (cond.op === '!=') return compareValues(def, v, lit) !== 0;
      // Range operators never match a null on either side.
      if (v === null || lit === null) return false;
      const c = compareValues(def, v, lit);
      return cond.op === '<' ? c < 0 : cond.op === '<=' ? c <= 0 : cond.op === '>' ? c > 0 : c >= 0;
    }
  }
}

export function sortRows(rows: SObjectRow[], orderBy: BoundQuery['orderBy']): SObjectRow[] {
  if (orderBy.length === 0) return rows;
  return rows.sort((a, b) => {
    for (const o of orderBy) {
      const va = a[o.field.name] ?? null;
      const vb = b[o.field.name] ?? null;
      if (va === null || vb === null) {
        if (va === vb) continue;
        return (va === null) === o.nullsLast ? 1 : -1;
      }
      const c = compareValues(o.field, va, vb);
      if (c !== 0) return o.desc ? -c : c;
    }
    return 0;
  });
}
