/**
 * `validate`'s advice for a bridge (src/config/bridge-advice.ts): each connection that does not
 * pair a kind by its value while another connection brings that kind's CRM records to Propstreet.
 */
import { describe, expect, it } from 'vitest';
import { bridgeAdvice } from '../../src/config/bridge-advice.js';
import type { TenantConfig } from '../../src/config/index.js';

type Obj = { kind: 'contacts' | 'companies'; match: string[]; direction?: string };
const tenant = (...connections: [string, Obj[]][]) =>
  ({
    connections: connections.map(([name, objects]) => ({
      name,
      objects: objects.map((o) => ({ direction: 'bidirectional', ...o })),
    })),
  }) as unknown as Pick<TenantConfig, 'connections'>;
const mirrors = ['externalRef', 'key'];

describe('bridge advice', () => {
  it('names each connection that would meet the other CRM’s twins without pairing by their value', () => {
    const advice = bridgeAdvice(
      tenant(
        [
          'hs',
          [
            { kind: 'companies', match: mirrors },
            { kind: 'contacts', match: [...mirrors, 'email'] },
          ],
        ],
        [
          'sf',
          [
            { kind: 'companies', match: [...mirrors, 'domain'] },
            { kind: 'contacts', match: mirrors },
          ],
        ],
      ),
    );
    expect(advice.map((a) => a.name)).toEqual(['bridge: sf · contacts', 'bridge: hs · companies']);
    expect(advice[1]?.message).toBe(
      'hs does not pair companies by domain: a company its CRM holds that sf brought to Propstreet is seen as new (a second company in Propstreet) and copied into its CRM again; add domain to its match (match: [externalRef, key, domain]) unless the CRMs share no companies',
    );
    expect(advice[0]?.message).toContain('(skipped in Propstreet, where email is unique)');
  });

  it('gives none for one connection, for rules that pair by value, or when the other only receives', () => {
    expect(bridgeAdvice(tenant(['hs', [{ kind: 'companies', match: mirrors }]]))).toEqual([]);
    expect(
      bridgeAdvice(
        tenant(
          ['hs', [{ kind: 'companies', match: [...mirrors, 'domain'] }]],
          ['sf', [{ kind: 'companies', match: [...mirrors, 'name', 'domain'] }]],
        ),
      ),
    ).toEqual([]);
    // The example bridge: HubSpot only receives, and pairs by email; Salesforce meets nothing of HubSpot's.
    expect(
      bridgeAdvice(
        tenant(
          ['marketing', [{ kind: 'contacts', match: [...mirrors, 'email'], direction: 'to-crm' }]],
          ['sales', [{ kind: 'contacts', match: mirrors }]],
        ),
      ),
    ).toEqual([]);
    // Another kind in the other connection is no twin.
    expect(
      bridgeAdvice(
        tenant(
          ['hs', [{ kind: 'contacts', match: mirrors }]],
          ['sf', [{ kind: 'companies', match: mirrors }]],
        ),
      ),
    ).toEqual([]);
  });
});
