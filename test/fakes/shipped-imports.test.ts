/**
 * What `npm run build` ships (src/ and fakes/, which `propsync demo` runs on) never imports
 * test/: the build leaves test/ out, so such an import works under tsx and breaks in dist/.
 * A static check over every import and export specifier, comments included (a false alarm
 * costs a comment edit; a miss costs a broken release).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cli/run-cli.js';

const SHIPPED = ['src', 'fakes'];

/** `from '…'`, `import '…'`, `import('…')`: the forms this code base imports with. */
const SPECIFIER = /(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** Each relative import of a shipped file, as a repo-relative path. */
function relativeImports(): { file: string; target: string }[] {
  return SHIPPED.flatMap(sourceFiles).flatMap((file) =>
    [...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(SPECIFIER)]
      .map((m) => m[1] ?? '')
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => ({ file, target: relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), spec)) })),
  );
}

describe('shipped code (src/, fakes/) never imports test/', () => {
  const imports = relativeImports();

  it('sees the imports it checks (the demo reaches the fakes)', () => {
    expect(imports).toContainEqual({ file: 'src/demo/run-demo.ts', target: 'fakes/sandbox/sandbox.js' });
  });

  it('finds no import into test/', () => {
    const intoTest = imports.filter(({ target }) => target === 'test' || target.startsWith('test/'));
    expect(intoTest).toEqual([]);
  });
});
