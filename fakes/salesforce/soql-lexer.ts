/**
 * Tokens of the SOQL subset the fake understands. String escapes follow the SOQL reference
 * ("Quoted String Escape Sequences"): \n \r \t \b \f \" \' \\ \uXXXX, and \% \_ kept for LIKE;
 * any other backslash is an error, as on Salesforce.
 */
export class SoqlError extends Error {
  constructor(
    readonly errorCode:
      | 'MALFORMED_QUERY'
      | 'INVALID_FIELD'
      | 'INVALID_TYPE'
      | 'INVALID_QUERY_FILTER_OPERATOR',
    message: string,
  ) {
    super(message);
  }
}

export type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'string'; value: string; raw: string; pos: number }
  | { kind: 'datetime'; value: number; text: string; pos: number }
  | { kind: 'date'; text: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'op'; text: string; pos: number }
  | { kind: 'punct'; text: '(' | ')' | ','; pos: number }
  | { kind: 'eof'; pos: number };

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const NUMBER = /^-?\d+(\.\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/;
const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  N: '\n',
  r: '\r',
  R: '\r',
  t: '\t',
  T: '\t',
  b: '\b',
  B: '\b',
  f: '\f',
  F: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
};

/** Salesforce's query errors quote the query and point at the column. */
export function pointAt(soql: string, pos: number, detail: string): string {
  return `\n${soql}\n${' '.repeat(pos)}^\nERROR at Row:1:Column:${pos + 1}\n${detail}`;
}

export function malformed(soql: string, pos: number, detail: string): SoqlError {
  return new SoqlError('MALFORMED_QUERY', pointAt(soql, pos, detail));
}

function readString(soql: string, start: number): { token: Token; end: number } {
  let value = '';
  let i = start + 1;
  while (i < soql.length) {
    const c = soql[i] as string;
    if (c === "'")
      return { token: { kind: 'string', value, raw: soql.slice(start, i + 1), pos: start }, end: i + 1 };
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const next = soql[i + 1];
    if (next === undefined) break;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      value += simple;
      i += 2;
    } else if (next === '%' || next === '_') {
      // Kept escaped: only LIKE gives them meaning, and there they match literally.
      value += `\\${next}`;
      i += 2;
    } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(soql.slice(i + 2, i + 6))) {
      value += String.fromCharCode(Number.parseInt(soql.slice(i + 2, i + 6), 16));
      i += 6;
    } else {
      throw malformed(
        soql,
        i,
        `Invalid string literal '${soql.slice(start, i + 2)}'. Illegal character sequence '\\${next}' in string literal.`,
      );
    }
  }
  throw malformed(soql, start, 'unexpected token: unterminated string literal');
}

export function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const c = soql[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = soql.slice(i);
    if (c === "'") {
      const { token, end } = readString(soql, i);
      tokens.push(token);
      i = end;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
      continue;
    }
    const op = /^(<=|>=|!=|<>|=|<|>)/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', text: op[0] === '<>' ? '!=' : op[0], pos: i });
      i += op[0].length;
      continue;
    }
    const dt = DATETIME.exec(rest);
    if (dt) {
      const ms = Date.parse(dt[0]);
      if (Number.isNaN(ms))
        throw malformed(soql, i, `line 1:${i} no viable alternative at character '${dt[0]}'`);
      tokens.push({ kind: 'datetime', value: ms, text: dt[0], pos: i });
      i += dt[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ kind: 'date', text: date[0], pos: i });
      i += date[0].length;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num) {
      tokens.push({ kind: 'number', value: Number(num[0]), text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      tokens.push({ kind: 'ident', text: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    throw malformed(soql, i, `line 1:${i} no viable alternative at character '${c}'`);
  }
  tokens.push({ kind: 'eof', pos: soql.length });
  return tokens;
}
