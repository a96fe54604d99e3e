/**
 * A small recursive-descent parser for the SOQL subset the connector sends:
 * SELECT f, … FROM Object [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET n].
 * Like Salesforce, AND and OR may not be mixed at one level without parentheses.
 */
import { malformed, type Token, tokenize } from './soql-lexer.js';

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'datetime'; value: number }
  | { kind: 'date'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'cmp'; field: string; pos: number; op: string; value: Literal }
  | { kind: 'in'; field: string; pos: number; negated: boolean; values: Literal[] }
  | { kind: 'like'; field: string; pos: number; pattern: string };

export interface OrderItem {
  readonly field: string;
  readonly pos: number;
  readonly desc: boolean;
  readonly nullsLast: boolean;
}

export interface SoqlQuery {
  readonly soql: string;
  readonly fields: readonly { name: string; pos: number }[];
  readonly object: string;
  readonly objectPos: number;
  readonly where: Condition | undefined;
  readonly orderBy: readonly OrderItem[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
}

class Parser {
  private i = 0;
  constructor(
    private readonly soql: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private fail(t: Token): never {
    const text = t.kind === 'eof' ? '<EOF>' : 'text' in t ? t.text : t.raw;
    throw malformed(this.soql, t.pos, `unexpected token: ${t.kind === 'eof' ? text : `'${text}'`}`);
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  private keyword(word: string): void {
    if (!this.isKeyword(word)) this.fail(this.peek());
    this.i++;
  }

  /** Consumes the keyword when it is next. */
  private accept(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.i++;
    return true;
  }

  private acceptComma(): boolean {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== ',') return false;
    this.i++;
    return true;
  }

  private ident(): { name: string; pos: number } {
    const t = this.next();
    if (t.kind !== 'ident' || RESERVED.has(t.text.toUpperCase())) this.fail(t);
    return { name: t.text, pos: t.pos };
  }

  private punct(text: '(' | ')' | ','): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== text) this.fail(t);
  }

  private integer(): number {
    const t = this.next();
    if (t.kind !== 'number' || !Number.isInteger(t.value) || t.value < 0) this.fail(t);
    return t.value;
  }

  parse(): SoqlQuery {
    this.keyword('SELECT');
    const fields = [this.ident()];
    while (this.acceptComma()) fields.push(this.ident());
    this.keyword('FROM');
    const object = this.ident();
    const where = this.accept('WHERE') ? this.condition() : undefined;
    const orderBy: OrderItem[] = [];
    if (this.accept('ORDER')) {
      this.keyword('BY');
      do orderBy.push(this.orderItem());
      while (this.acceptComma());
    }
    const limit = this.accept('LIMIT') ? this.integer() : undefined;
    const offset = this.accept('OFFSET') ? this.integer() : undefined;
    if (this.peek().kind !== 'eof') this.fail(this.peek());
    return {
      soql: this.soql,
      fields,
      object: object.name,
      objectPos: object.pos,
      where,
      orderBy,
      limit,
      offset,
    };
  }

  private orderItem(): OrderItem {
    const f = this.ident();
    const desc = this.accept('DESC');
    if (!desc) this.accept('ASC');
    let nullsLast = desc;
    if (this.accept('NULLS')) {
      if (this.accept('FIRST')) nullsLast = false;
      else {
        this.keyword('LAST');
        nullsLast = true;
      }
    }
    return { field: f.name, pos: f.pos, desc, nullsLast };
  }

  private condition(): Condition {
    const first = this.unary();
    const joiner = this.isKeyword('AND') ? 'and' : this.isKeyword('OR') ? 'or' : undefined;
    if (!joiner) return first;
    const items = [first];
    while (this.accept(joiner.toUpperCase())) items.push(this.unary());
    // `a AND b OR c` is ambiguous in SOQL and rejected rather than given a precedence.
    if (this.isKeyword('AND') || this.isKeyword('OR')) this.fail(this.peek());
    return { kind: joiner, items };
  }

  private unary(): Condition {
    if (this.accept('NOT')) return { kind: 'not', item: this.unary() };
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '(') {
      this.i++;
      const inner = this.condition();
      this.punct(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const f = this.ident();
    const negated = this.accept('NOT');
    if (negated || this.isKeyword('IN')) {
      this.keyword('IN');
      this.punct('(');
      const values = [this.literal()];
      while (this.acceptComma()) values.push(this.literal());
      this.punct(')');
      return { kind: 'in', field: f.name, pos: f.pos, negated, values };
    }
    if (this.accept('LIKE')) {
      const t = this.next();
      if (t.kind !== 'string') this.fail(t);
      return { kind: 'like', field: f.name, pos: f.pos, pattern: t.value };
    }
    const op = this.next();
    if (op.kind !== 'op') this.fail(op);
    return { kind: 'cmp', field: f.name, pos: f.pos, op: op.text, value: this.literal() };
  }

  private literal(): Literal {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.value };
      case 'datetime':
        return { kind: 'datetime', value: t.value };
      case 'date':
        return { kind: 'date', value: t.text };
      case 'number':
        return { kind: 'number', value: t.value };
      case 'ident': {
        const word = t.text.toUpperCase();
        if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE' };
        if (word === 'NULL') return { kind: 'null' };
        return this.fail(t);
      }
      default:
        return this.fail(t);
    }
  }
}

const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'ORDER',
  'BY',
  'LIMIT',
  'OFFSET',
  'NULL',
  'TRUE',
  'FALSE',
  'ASC',
  'DESC',
  'NULLS',
]);

export function parseSoql(soql: string): SoqlQuery {
  return new Parser(soql, tokenize(soql)).parse();
}
