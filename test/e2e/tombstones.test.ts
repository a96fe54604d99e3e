/**
 * Deletions that stay deleted: a contact whose HubSpot record was archived (`fromCrm: unlink`)
 * is unlinked, and neither the next run (the unlink itself removed our ref, which changes the
 * contact) nor a later Propstreet edit creates the person in HubSpot again. `deletes.recreate:
 * true` restores the old behaviour; `propsync relink` lifts one tombstone. Through the real
 * SDKs against the fakes; relink and status through the CLI in this process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTenantStore } from '../../src/app/open-store.js';
import type { Tombstone } from '../../src/state/port.js';
import { runCli } from '../cli/run-cli.js';
import { type E2E, seedPropstreet, startE2E, writes } from './support.js';

const scopeOf = (e: E2E) => ({ tenant: e.config.tenant, connection: 'hubspot', kind: 'contacts' });

async function stateOf(e: E2E, id: string) {
  const store = await openTenantStore(e.config);
  try {
    const [link] = await store.linksByPropstreetIds(scopeOf(e), [id]);
    const [tombstone] = await store.tombstonesByPropstreetIds(scopeOf(e), [id]);
    return { link, tombstone };
  } finally {
    await store.close();
  }
}

describe('a contact archived in HubSpot (fromCrm: unlink)', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  const start = async (recreate?: boolean) => {
    e = await startE2E(
      { salesforce: false },
      { connection: recreate === undefined ? {} : { deletes: { recreate } } },
    );
    const [gone, kept] = seedPropstreet(e.sb, 0, 2) as [string, string];
    await e.run();
    const hs = e.sb.hubspot!.control;
    const live = (psId: string) =>
      hs.dump().filter((x) => !x.archived && x.properties.propstreet_id === psId);
    const archived = live(gone)[0]!.id;
    hs.deleteAsUser(archived);
    const unlink = (await e.run()).connections[0]!;
    return { gone, kept, hs, live, archived, unlink };
  };

  it('is unlinked with a tombstone, and stays out of HubSpot on the next runs, edited or not', async () => {
    const { gone, live, archived, unlink } = await start();
    const reason = 'deleted in the CRM (policy unlink)';
    expect(unlink.records.find((r) => r.propstreetId === gone)).toMatchObject({
      action: 'unlink',
      reason: `${reason}; not created in the CRM again (deletes.recreate: false)`,
      tombstone: reason,
    });
    const state = await stateOf(e, gone);
    expect(state.link).toBeUndefined();
    expect(state.tombstone).toMatchObject({ propstreetId: gone, crmId: archived, reason, relinkedAt: null });
    // The unlink removed our ref: the contact changed.
    expect(e.sb.propstreet.contact(gone)!.externalRefs).toEqual([]);

    // The very next run sees that change, and creates nothing.
    const next = (await e.run()).connections[0]!;
    expect(next.result.planned.create.crm).toBe(0);
    expect(live(gone)).toEqual([]);

    // A person's edit later: still nothing, and the plan says why.
    e.sb.propstreet.editAsUser(gone, { firstName: 'Later' });
    const quiet = writes(e.sb);
    const plan = (await e.run({ dryRun: true })).connections[0]!;
    expect(writes(e.sb)).toEqual(quiet);
    expect(plan.records.find((r) => r.propstreetId === gone)).toMatchObject({
      action: 'skip',
      reason: expect.stringMatching(
        new RegExp(
          `^its link to CRM record ${archived} ended .* \\(deleted in the CRM \\(policy unlink\\)\\): not created in the CRM again; \`propsync relink\` pairs it again$`,
        ),
      ),
    });
    const edited = (await e.run()).connections[0]!;
    expect(edited.result).toMatchObject({ status: 'ok', planned: { skip: 1, create: { crm: 0 } } });
    expect(live(gone)).toEqual([]);

    // status lists it.
    const status = await runCli(['status', e.config.file, '--json'], { env: e.sb.env });
    expect(status.code).toBe(0);
    const hubspot = status.json<{
      connections: { tombstones: { count: number; newest: Tombstone[] } }[];
    }>().connections[0]!;
    expect(hubspot.tombstones.count).toBe(1);
    expect(hubspot.tombstones.newest).toEqual([state.tombstone]);
    const text = await runCli(['status', e.config.file], { env: e.sb.env });
    expect(text.stdout).toContain(`tombstone ${gone} (was ${archived}`);
  });

  it('with deletes.recreate: true, the next run creates the person in HubSpot again (no edit needed)', async () => {
    const { gone, live, unlink } = await start(true);
    const ended = unlink.records.find((r) => r.propstreetId === gone);
    expect(ended).toMatchObject({ action: 'unlink', reason: 'deleted in the CRM (policy unlink)' });
    expect(ended?.tombstone).toBeUndefined();
    expect((await stateOf(e, gone)).tombstone).toBeUndefined();
    const next = (await e.run()).connections[0]!;
    expect(next.result.done.create.crm).toBe(1);
    expect(live(gone)).toHaveLength(1);
  });

  it('after `propsync relink`, the next run creates it again (unchanged), and the tombstone goes', async () => {
    const { gone, live, archived } = await start();
    await e.run();
    expect(live(gone)).toEqual([]);

    const missing = await runCli(['relink', e.config.file, 'no-such-contact'], { env: e.sb.env });
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('has no tombstone') });
    const relinked = await runCli(['relink', e.config.file, gone, '-c', 'hubspot'], { env: e.sb.env });
    expect(relinked.code).toBe(0);
    expect(relinked.stdout).toContain(`hubspot · contacts: ${gone} (was CRM record ${archived}`);

    const plan = (await e.run({ dryRun: true })).connections[0]!;
    expect(plan.records.find((r) => r.propstreetId === gone)).toMatchObject({ action: 'create-in-crm' });
    const run = (await e.run()).connections[0]!;
    expect(run.result.done.create.crm).toBe(1);
    expect(live(gone)).toHaveLength(1);
    const state = await stateOf(e, gone);
    expect(state.link?.crmId).toBe(live(gone)[0]!.id);
    expect(state.tombstone).toBeUndefined();
    const settled = writes(e.sb);
    await e.run();
    expect(writes(e.sb)).toEqual(settled);
  });
});
