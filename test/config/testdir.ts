/** Throwaway directories for config tests (like changesets' `testdir`), removed after each test. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Creates a temp dir holding `files` (path → content) and returns its path. */
export async function testdir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'propsync-config-'));
  made.push(dir);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** Joins lines, so a test shows the file as it would be written (and line numbers are easy to read). */
export function yamlLines(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
