/**
 * A Propstreet tag that contains `;`, the separator HubSpot's list values use: HubSpot holds
 * its pieces, and a later HubSpot edit of the tags wrote the pieces back, splitting the tag in
 * Propstreet. A tag whose pieces are all still there is kept whole.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from './support.js';

describe('a Propstreet tag holding the list separator', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  it('stays whole in Propstreet through a HubSpot edit of the other tags, and the runs settle', async () => {
    e = await startE2E({ salesforce: false });
    const [contact] = e.sb.propstreet.seed([
      { firstName: 'Anna', lastName: 'Berg', email: 'anna@example.com', tags: ['R&D; Nordics', 'vip'] },
    ]);
    const id = contact?.id ?? '';
    await e.run();
    const hs = e.sb.hubspot?.control;
    const record = hs?.dump().find((r) => r.properties.propstreet_id === id);
    expect(record?.properties.propstreet_tags).toBe('Nordics;R&D;vip');
    hs?.editAsUser(record?.id ?? '', { propstreet_tags: 'Nordics;R&D;vip;investor' });
    const run = (await e.run()).connections[0]?.result;
    expect(run?.done.update).toEqual({ propstreet: 1, crm: 0 });
    const tags = e.sb.propstreet.allContacts().find((c) => c.id === id)?.tags;
    expect([...(tags ?? [])].sort()).toEqual(['R&D; Nordics', 'investor', 'vip']);
    const quiet = (await e.run()).connections[0]?.result;
    expect(quiet?.done.update).toEqual({ propstreet: 0, crm: 0 });
    // A piece removed in HubSpot: the tag cannot stay whole, its other piece stays a tag.
    hs?.editAsUser(record?.id ?? '', { propstreet_tags: 'R&D;vip;investor' });
    await e.run();
    const after = e.sb.propstreet.allContacts().find((c) => c.id === id)?.tags;
    expect([...(after ?? [])].sort()).toEqual(['R&D', 'investor', 'vip']);
  });
});
