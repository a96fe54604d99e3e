/**
 * Corpus files that show a known bug (their `# bug:` line says which): they must fail with
 * the typed error their `# expect:` line names. These FAIL until the config loader is fixed;
 * test/reliability/hostile-config.test.ts runs every other corpus file in `npm test`.
 */
import { describe, expect, it } from 'vitest';
import { checkMappings } from '../../src/cli/load-config.js';
import { loadTenantConfig } from '../../src/config/index.js';
import { PropsyncError } from '../../src/core/errors.js';
import { corpusConfigs } from '../corpus/corpus.js';

const ENV = { PROPSTREET_TOKEN: 'ps-corpus-token-0123456789', HUBSPOT_TOKEN: 'pat-corpus-token-0123456789' };

describe('config files that show a known bug', () => {
  it.each(corpusConfigs().filter((c) => c.bug !== undefined))(
    '$name ($bug)',
    async ({ file, says, code }) => {
      let error: unknown;
      try {
        checkMappings(await loadTenantConfig(file, { env: ENV }), file);
      } catch (e) {
        error = e;
      }
      expect(error, String(error)).toBeInstanceOf(PropsyncError);
      expect((error as PropsyncError).code).toBe(code);
      expect((error as PropsyncError).message).toMatch(says);
    },
  );
});
