/**
 * SQL is parameterised: a static check over every source file that holds SQL (src/state/*.ts,
 * the run's staging file and the worker's queue probe). It finds each template literal whose
 * text is SQL and each `${…}` inside it; an interpolation is allowed only when listed below
 * with the reason it cannot carry data. Values always travel as `?`/`$n` parameters.
 *
 * How it reads the code: a small lexer (strings, comments, nested `${}`), not a regex over
 * lines, so a `${` inside a string or comment cannot fool it. A new interpolation anywhere in
 * SQL fails this test until someone adds it here with a reason; an entry that no longer
 * matches anything fails too, so the list cannot rot.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cli/run-cli.js';

const FILES = [
  ...readdirSync(join(REPO_ROOT, 'src/state'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `src/state/${f}`),
  'src/run/staging.ts',
  'src/worker/enqueue.ts',
];

/** `file: expression` → why it is safe. */
const ALLOWED: Record<string, string> = {
  'src/state/postgres-sql.ts: s':
    'the schema as a quoted identifier from quoteSchema(), which rejects anything but [A-Za-z_][A-Za-z0-9_]{0,62} (identifiers cannot be bound)',
  'src/state/postgres-migrations.ts: s': 'same quoteSchema() identifier',
  'src/state/postgres-sql.ts: LINK_COLUMNS': 'a constant column list (rows.ts)',
  'src/state/postgres-sql.ts: FAILURE_COLUMNS': 'a constant column list (rows.ts)',
  'src/state/postgres-sql.ts: RUN_COLUMNS': 'a constant column list (rows.ts)',
  'src/state/postgres-sql.ts: TOMBSTONE_COLUMNS': 'a constant column list (rows.ts)',
  'src/state/postgres-sql.ts: CONFLICT_COLUMNS': 'a constant column list (rows.ts)',
  'src/state/sqlite-statements.ts: TOMBSTONE_COLUMNS': 'a constant column list (rows.ts)',
  'src/state/sqlite-statements.ts: CONFLICT_COLUMNS': 'a constant column list (rows.ts)',
  'src/state/postgres-sql.ts: OWN_ETAGS_KEPT': 'a numeric constant (rows.ts)',
  'src/state/sqlite-statements.ts: LINK_COLUMNS': 'a constant column list (rows.ts)',
  'src/state/sqlite-statements.ts: FAILURE_COLUMNS': 'a constant column list (rows.ts)',
  'src/state/sqlite-statements.ts: RUN_COLUMNS': 'a constant column list (rows.ts)',
  'src/state/sqlite-migrations.ts: next.version':
    'a migration number from the constant list (PRAGMA cannot bind)',
  'src/state/sqlite-store.ts: Math.trunc(options.busyTimeoutMs ?? 5000)':
    'a number from code, truncated to an integer (PRAGMA cannot bind)',
  'src/run/staging.ts: table': "a `'ps' | 'crm'` table name from the engine, never data",
  'src/run/staging.ts: live':
    'a constant condition chosen by that table name (`deleted = 0` or `live = 1`), never data',
  'src/run/staging.ts: matchDefs':
    'column definitions `, m0 TEXT`… built from the match rules’ positions (m + index), never their values',
  'src/run/staging.ts: names': 'the match column names m0, m1… (m + index), never data',
  'src/run/staging.ts: marks': 'one `, ?` placeholder per match column: values are bound',
  'src/run/staging.ts: sets': '`, mN = excluded.mN` per match column (m + index), never data',
  'src/run/staging.ts: assigns': '`, mN = ?` per match column (m + index): values are bound',
  'src/run/staging.ts: column': 'a match column name m0, m1… (m + index) from matchColumns, never data',
  'src/run/staging.ts: index':
    'an index name `<ps|crm>_m<index>` built from the table and column names above',
  'src/state/postgres-rate-budget.ts: s': 'same quoteSchema() identifier (statements(quoteSchema(o.schema)))',
  'src/state/sqlite-rate-budget.ts: BUSY_WAIT_MS': 'a numeric constant of that file (PRAGMA cannot bind)',
  'src/state/postgres-rate-budget.ts: NOW':
    'a constant SQL expression (the database clock, or the bound $2 in tests)',
  'src/state/postgres-ref-outbox.ts: s':
    'same quoteSchema() identifier, from the store that merges these statements',
  'src/state/postgres-ref-outbox.ts: REF_OUTBOX_COLUMNS': 'a constant column list (ref-outbox-rows.ts)',
  'src/state/sqlite-ref-outbox.ts: REF_OUTBOX_COLUMNS': 'a constant column list (ref-outbox-rows.ts)',
  'src/worker/enqueue.ts: schema':
    'the pg-boss schema, rejected unless it matches ^[A-Za-z_]\\w*$ just above',
};

/** Words that make a template literal SQL (upper case, as this code base writes SQL). */
const SQL =
  /\b(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|WHERE|VALUES)\b|^\s*(user_version|busy_timeout)\s*=/;

interface Template {
  readonly line: number;
  readonly text: string;
  readonly expressions: string[];
}

/** Template literals of a TypeScript source, with their `${}` expressions. */
function templates(src: string): Template[] {
  const out: Template[] = [];
  let i = 0;
  const lineAt = (at: number) => src.slice(0, at).split('\n').length;
  const skipString = (quote: string) => {
    i++;
    while (i < src.length && src[i] !== quote) i += src[i] === '\\' ? 2 : 1;
    i++;
  };
  /** Reads a template starting at the backtick; nested templates inside `${}` are read too. */
  const readTemplate = (): void => {
    const start = i;
    i++;
    let text = '';
    const expressions: string[] = [];
    while (i < src.length && src[i] !== '`') {
      if (src[i] === '\\') {
        text += src.slice(i, i + 2);
        i += 2;
      } else if (src[i] === '$' && src[i + 1] === '{') {
        i += 2;
        const from = i;
        let depth = 1;
        while (i < src.length && depth > 0) {
          const ch = src[i]!;
          if (ch === '`') {
            readTemplate();
            continue;
          }
          if (ch === "'" || ch === '"') {
            skipString(ch);
            continue;
          }
          if (ch === '{') depth++;
          if (ch === '}') depth--;
          i++;
        }
        expressions.push(src.slice(from, i - 1).trim());
        text += '\u0000';
      } else {
        text += src[i];
        i++;
      }
    }
    i++;
    out.push({ line: lineAt(start), text, expressions });
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '/' && src[i + 1] === '/') i = src.indexOf('\n', i) === -1 ? src.length : src.indexOf('\n', i);
    else if (ch === '/' && src[i + 1] === '*') i = src.indexOf('*/', i + 2) + 2;
    else if (ch === "'" || ch === '"') skipString(ch);
    else if (ch === '`') readTemplate();
    else i++;
  }
  return out;
}

describe('SQL is parameterised', () => {
  const used = new Set<string>();
  const found: string[] = [];
  for (const file of FILES) {
    const src = readFileSync(join(REPO_ROOT, file), 'utf8');
    for (const t of templates(src)) {
      if (!SQL.test(t.text)) continue;
      for (const e of t.expressions) {
        const key = `${file}: ${e}`;
        if (ALLOWED[key]) used.add(key);
        else found.push(`${file}:${t.line} interpolates \${${e}} into SQL`);
      }
    }
  }

  it('the lexer finds the SQL it must check', () => {
    // A lexer that saw nothing would pass everything: these are known to exist.
    expect(used.has('src/state/postgres-sql.ts: s')).toBe(true);
    expect(used.has('src/state/sqlite-statements.ts: LINK_COLUMNS')).toBe(true);
    const $ = (e: string) => `\${${e}}`;
    const sample = templates(
      `const q = \`SELECT ${$('a')} FROM t WHERE x = ${$('"}"')} AND ${$(`f(\`${$('b')}\`)`)}\`; // \`${$('c')}\``,
    );
    expect(sample.map((t) => t.expressions)).toEqual([['b'], ['a', '"}"', `f(\`${$('b')}\`)`]]);
  });

  it('no template literal interpolates anything but the allowed constants into SQL', () => {
    expect(found).toEqual([]);
  });

  it('every allowlist entry still matches code (the list cannot rot)', () => {
    expect(Object.keys(ALLOWED).filter((k) => !used.has(k))).toEqual([]);
  });

  it('no SQL string is built with +', () => {
    const concatenated: string[] = [];
    for (const file of FILES) {
      const src = readFileSync(join(REPO_ROOT, file), 'utf8');
      const re =
        /(['"`])[^'"`\n]*\b(SELECT|INSERT|UPDATE|DELETE|WHERE|FROM)\b[^'"`\n]*\1\s*\+|\+\s*(['"`])[^'"`\n]*\b(SELECT|INSERT|UPDATE|DELETE|WHERE|FROM)\b/g;
      for (const m of src.matchAll(re)) concatenated.push(`${file}: ${m[0]}`);
    }
    expect(concatenated).toEqual([]);
  });

  it('the guards the allowlist relies on are in place', () => {
    const pgMigrations = readFileSync(join(REPO_ROOT, 'src/state/postgres-migrations.ts'), 'utf8');
    expect(pgMigrations).toContain('/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)');
    const pgStore = readFileSync(join(REPO_ROOT, 'src/state/postgres-store.ts'), 'utf8');
    expect(pgStore).toMatch(/pgSql\(quoteSchema\(schema\)\)/);
    const enqueue = readFileSync(join(REPO_ROOT, 'src/worker/enqueue.ts'), 'utf8');
    expect(enqueue).toContain('if (!/^[A-Za-z_]\\w*$/.test(schema)) throw');
  });
});
