/** The hostile config files of this folder, with what each must produce (see README.md). */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONFIGS = join(dirname(fileURLToPath(import.meta.url)), 'configs');

export interface CorpusConfig {
  readonly name: string;
  readonly file: string;
  /** The error message must match this. */
  readonly says: RegExp;
  readonly code: string;
}

export function corpusConfigs(): CorpusConfig[] {
  return readdirSync(CONFIGS)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(CONFIGS, name), 'utf8');
      const says = /^# expect: (.+)$/m.exec(text)?.[1];
      if (!says) throw new Error(`${name} has no "# expect:" line`);
      return {
        name,
        file: join(CONFIGS, name),
        says: new RegExp(says),
        code: /^# code: (\w+)$/m.exec(text)?.[1] ?? 'CONFIG_INVALID',
      };
    });
}
