import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Staging } from '../../src/engine/staging.js';

describe('Staging', () => {
  it('keeps the newest version of a record read twice, and removes what a killed run left behind', () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const orphan = join(tmpdir(), `propsync-stage-${deadPid}-orphan`);
    mkdirSync(orphan, { recursive: true });
    const staging = new Staging({ key: 'propstreet_id', email: 'email' });
    try {
      expect(existsSync(orphan)).toBe(false);
      const rec = (modifiedAt: string, name: string) => ({
        id: '1',
        properties: { firstname: name, propstreet_id: 'p1', email: 'A@x.se' },
        modifiedAt,
        deleted: false,
      });
      staging.putCrm([rec('2026-01-02T00:00:00.000Z', 'new')]);
      staging.putCrm([rec('2026-01-01T00:00:00.000Z', 'old')]);
      expect(staging.count('crm')).toBe(1);
      expect(staging.peekCrm(['1']).get('1')?.properties.firstname).toBe('new');
      expect(staging.crmByKeys(['p1'])).toHaveLength(1);
      expect(staging.crmByEmails(['a@x.se'])).toHaveLength(1);
    } finally {
      staging.close();
    }
  });
});
