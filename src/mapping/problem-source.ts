/**
 * Where a problem is: a source (a mapping file, a tenant config), a key path inside it, and the
 * line:column when the source kept positions. Every mapping error is one line in the form
 * `file:line:col key.path: reason`.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

export type PathKey = string | number;
export type KeyPath = readonly PathKey[];

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface ProblemSource {
  /** A file path or a description such as `tenants/acme.yaml`. */
  readonly name: string;
  /** Where the mapping data sits inside that source, e.g. `['crm', 'mapping']`. */
  readonly prefix: KeyPath;
  /** 1-based position of the value at `path` (or of its key, `onKey`), nearest ancestor if absent. */
  position(path: KeyPath, onKey: boolean): Position | undefined;
}

export interface Problem {
  readonly source: ProblemSource;
  readonly path: KeyPath;
  readonly reason: string;
  /** Point at the key itself (unknown keys) rather than its value. */
  readonly onKey?: boolean;
}

/** `fields[3].direction`; the document itself is `(top level)`, as in tenant config errors. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : out === '' ? key : `.${key}`;
  }
  return out === '' ? '(top level)' : out;
}

/** `file:line:col key.path`, the part of a message before the reason. */
export function where(source: ProblemSource, path: KeyPath, onKey = false): string {
  const full = [...source.prefix, ...path];
  const pos = source.position(full, onKey);
  const loc = pos ? `${source.name}:${pos.line}:${pos.col}` : source.name;
  return `${loc} ${formatPath(full)}`;
}

export function formatProblem(p: Problem): string {
  return `${where(p.source, p.path, p.onKey ?? false)}: ${p.reason}`;
}

export interface ParsedYaml {
  readonly data: unknown;
  readonly source: ProblemSource;
  /** Syntax errors; `data` is undefined when there are any. */
  readonly problems: readonly Problem[];
}

const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

function keyValue(key: unknown): unknown {
  return isScalar(key) ? key.value : key;
}

/** Parses YAML keeping node positions, so later problems can name line and column. */
export function parseYamlWithPositions(text: string, name: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // Core schema only, no merge keys, no custom tags: a mapping file is plain data.
  const doc = parseDocument(text, {
    lineCounter,
    schema: 'core',
    merge: false,
    customTags: [],
    resolveKnownTags: false,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const at = (offset: number): Position => lineCounter.linePos(offset);

  const source: ProblemSource = {
    name,
    prefix: [],
    position(path, onKey) {
      let node: unknown = doc.contents;
      let pos: Position | undefined = isNodeWithRange(node) ? at(node.range[0]) : { line: 1, col: 1 };
      for (const [i, key] of path.entries()) {
        let next: unknown;
        if (isMap(node)) {
          const pair = node.items.find((item) => isPair(item) && keyValue(item.key) === key);
          if (!pair) break;
          if (onKey && i === path.length - 1 && isNodeWithRange(pair.key)) return at(pair.key.range[0]);
          next = pair.value;
          // `key:` with nothing after it has no value node: point at the key.
          if (!isNodeWithRange(next) && isNodeWithRange(pair.key)) pos = at(pair.key.range[0]);
        } else if (isSeq(node) && typeof key === 'number') {
          next = node.items[key];
        } else {
          break;
        }
        if (!isNodeWithRange(next)) break;
        node = next;
        pos = at(next.range[0]);
      }
      return pos;
    },
  };

  const problems: Problem[] = doc.errors.map((e) => ({
    source: { name, prefix: [], position: () => at(e.pos[0]) },
    path: ['(syntax)'],
    reason: `expected valid YAML, got: ${e.message.split('\n')[0] ?? e.code}`,
  }));
  if (problems.length === 0) {
    walk(doc.contents, [], (node, path) => {
      if (node.tag === undefined || CORE_TAGS.has(node.tag)) return;
      problems.push({
        source,
        path,
        reason: `expected plain YAML data (mapping files cannot use custom tags), got tag ${node.tag}`,
      });
    });
  }
  if (problems.length > 0) return { data: undefined, source, problems };
  try {
    return { data: doc.toJS({ maxAliasCount: 100 }), source, problems };
  } catch (e) {
    // The yaml library refuses alias bombs (billion laughs) and similar with a throw.
    problems.push({
      source,
      path: [],
      reason: `expected plain YAML data, got: ${(e as Error).message.split('\n')[0]}`,
    });
    return { data: undefined, source, problems };
  }
}

function walk(node: unknown, path: KeyPath, visit: (node: Node, path: KeyPath) => void): void {
  if (!isNodeWithRange(node)) return;
  visit(node, path);
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = keyValue(pair.key);
      walk(pair.value, [...path, typeof key === 'number' ? key : String(key)], visit);
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) walk(item, [...path, i], visit);
  }
}

function isNodeWithRange(node: unknown): node is Node & { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range);
}

/** A source without positions (objects that arrive already parsed), or with the caller's locator. */
export function plainSource(
  name: string,
  prefix: KeyPath = [],
  locate?: (path: KeyPath, onKey: boolean) => Position | undefined,
): ProblemSource {
  return { name, prefix, position: (path, onKey) => locate?.(path, onKey) };
}
