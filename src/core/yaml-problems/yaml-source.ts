/**
 * Parses a YAML file as plain data and maps key paths back to line:column. Only the YAML core
 * schema is allowed and every explicit tag beyond it is a problem, so a config or mapping file
 * can never construct functions, classes or binary blobs. Duplicate keys are syntax errors.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import {
  formatPath,
  type KeyPath,
  type LocatedProblem,
  type PathSegment,
  type Position,
  type Problem,
} from './problem.js';
import type { ProblemSource } from './problem-source.js';

const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

export interface YamlSource {
  /** The document as JS data (undefined when there were syntax errors). */
  readonly data: unknown;
  /** Syntax errors, already located; when there are any, `data` is unusable. */
  readonly syntaxProblems: readonly LocatedProblem[];
  /** Explicit tags beyond the core schema (`data` is usable, but must not be used). */
  readonly tagProblems: readonly Problem[];
  /** Positions of key paths in this file. */
  readonly source: ProblemSource;
  /** The problem at its line:col (the nearest existing node for a missing key). */
  locate(problem: Problem): LocatedProblem;
}

export interface YamlSourceOptions {
  /** The file as named in messages. */
  readonly name: string;
  /** What the file is, for the tag message: `config` → "config files cannot run code …". */
  readonly kind: string;
}

export function parseYamlSource(text: string, options: YamlSourceOptions): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    schema: 'core',
    resolveKnownTags: false,
    customTags: [],
    merge: false,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const pos = (offset: number): Position => lineCounter.linePos(offset);
  const root = doc.contents as Node | null;

  const syntaxProblems: LocatedProblem[] = doc.errors.map((e) => ({
    ...pos(e.pos[0]),
    key: '(syntax)',
    message: `expected valid YAML, got: ${firstLine(e.message)}`,
  }));
  const tagProblems: Problem[] = [];
  let data: unknown;
  if (syntaxProblems.length === 0) {
    walk(root, [], (node, path) => {
      const tag = node.tag;
      if (tag === undefined || CORE_TAGS.has(tag)) return;
      tagProblems.push({
        path,
        message: `expected plain YAML data (${options.kind} files cannot run code or use custom tags), got tag ${shortTag(tag)}`,
      });
    });
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // The yaml library refuses alias bombs (billion laughs) and similar with a throw.
      syntaxProblems.push({
        line: 1,
        col: 1,
        key: '(syntax)',
        message: `expected plain YAML data, got: ${firstLine((e as Error).message)}`,
      });
    }
  }

  const position = (path: KeyPath, onKey: boolean): Position => {
    const found = find(root, path);
    const node = onKey ? (found.key ?? found.value) : (found.value ?? found.key);
    return pos(node?.range?.[0] ?? found.nearest?.range?.[0] ?? 0);
  };
  return {
    data,
    syntaxProblems,
    tagProblems,
    source: { name: options.name, prefix: [], position },
    locate: (problem) => ({
      ...position(problem.path, problem.at === 'key'),
      key: formatPath(problem.path),
      message: problem.message,
    }),
  };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

function keyOf(node: unknown): unknown {
  return isScalar(node) ? node.value : node;
}

/** Visits every node, keys included, with the key path of the value it belongs to. */
function walk(
  node: Node | null,
  path: PathSegment[],
  visit: (node: Node, path: PathSegment[]) => void,
): void {
  if (!node) return;
  visit(node, path);
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = keyOf(pair.key);
      const childPath = [...path, typeof k === 'number' ? k : String(k)];
      walk(pair.key as Node | null, childPath, visit);
      walk(pair.value as Node | null, childPath, visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      walk(item as Node | null, [...path, i], visit);
    });
  }
}

interface Found {
  readonly value: Node | undefined;
  readonly key: Node | undefined;
  /** The deepest node on the path that exists (for missing keys): a value, or a key without one. */
  readonly nearest: Node | undefined;
}

function find(root: Node | null, path: KeyPath): Found {
  let cur: Node | undefined = root ?? undefined;
  let key: Node | undefined;
  let nearest = cur;
  for (const seg of path) {
    key = undefined;
    if (isMap(cur)) {
      const pair = cur.items.find((p) => keyOf(p.key) === seg || String(keyOf(p.key)) === String(seg));
      if (!pair) return { value: undefined, key: undefined, nearest };
      key = (pair.key as Node | null) ?? undefined;
      cur = (pair.value as Node | null) ?? undefined;
    } else if (isSeq(cur) && typeof seg === 'number') {
      cur = (cur.items[seg] as Node | undefined) ?? undefined;
      if (!cur) return { value: undefined, key: undefined, nearest };
    } else {
      return { value: undefined, key: undefined, nearest };
    }
    // `key:` with nothing after it has no value node: its key is the nearest place.
    nearest = cur ?? key ?? nearest;
  }
  return { value: cur, key, nearest };
}
