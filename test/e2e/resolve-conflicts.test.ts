/**
 * Conflicts a person resolves (`conflictPolicy: manual`): `propsync conflicts` lists them with
 * both values and the last synced one, and still does after a quiet rerun; `propsync resolve`
 * records a choice that a dry run shows first and the next run writes to the side that differs,
 * after which the conflict is gone. The HTML report names the command for each open conflict.
 * Runs through the real SDKs against the fakes; the commands in this process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListedConflict } from '../../src/app/conflicts.js';
import { runCli } from '../cli/run-cli.js';
import { type E2E, seedPropstreet, startE2E, writes } from './support.js';

describe('conflicts a person resolves', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  const start = async () => {
    e = await startE2E({ salesforce: false }, { connection: { conflictPolicy: 'manual' } });
    const [id] = seedPropstreet(e.sb, 0, 2) as [string, string];
    await e.run();
    const hs = e.sb.hubspot!.control;
    const record = hs.dump().find((x) => x.properties.propstreet_id === id)!;
    const cli = (args: string[]) => runCli(args, { env: e.sb.env });
    const listed = async () =>
      (await cli(['conflicts', e.config.file, '--json'])).json<{
        total: number;
        conflicts: ListedConflict[];
      }>();
    return { id, hs, record, cli, listed, original: e.sb.propstreet.contact(id)! };
  };

  it('lists a conflict across reruns, resolves it with --take crm, plan first, then the run', async () => {
    const { id, hs, record, cli, listed, original } = await start();
    e.sb.propstreet.editAsUser(id, { firstName: 'Augusta' });
    hs.editAsUser(record.id, { firstname: 'Ava' });
    // The run that finds it, with its HTML report: the conflict links to its command.
    const html = join(e.dir, 'run.html');
    const found = await cli(['run', e.config.file, '--report', html, '--json']);
    expect(found.json()).toMatchObject({
      tenants: [{ connections: [{ conflicts: [{ field: 'firstName', winner: 'none', propstreetId: id }] }] }],
    });
    // The page builds the command from the conflict's id in its data block.
    const page = readFileSync(html, 'utf8');
    expect(page).toContain(`"${id}:firstName"`);
    expect(page).toContain('propsync resolve');

    const open = {
      id: `${id}:firstName`,
      connection: 'hubspot',
      propstreetId: id,
      crmId: record.id,
      field: 'firstName',
      propstreet: 'Augusta',
      crm: 'Ava',
      shadow: original.firstName,
      resolution: null,
    };
    expect(await listed()).toEqual({
      tenant: e.config.tenant,
      total: 1,
      conflicts: [expect.objectContaining(open)],
    });
    // A rerun that does not read the pair again keeps the list as it was.
    await e.run();
    expect((await listed()).conflicts).toEqual([expect.objectContaining(open)]);
    const text = await cli(['conflicts', e.config.file]);
    expect(text.stdout).toContain(`propsync resolve ${e.config.file} ${id}:firstName --take propstreet|crm`);

    const resolved = await cli(['resolve', e.config.file, `${id}:firstName`, '--take', 'crm']);
    expect(resolved.code).toBe(0);
    expect((await listed()).conflicts[0]?.resolution).toMatchObject({ take: 'crm', value: null });

    // The plan shows it, and writes nothing.
    const quiet = writes(e.sb);
    const plan = (await e.run({ dryRun: true })).connections[0]!;
    expect(writes(e.sb)).toEqual(quiet);
    const planned = plan.records.find((r) => r.propstreetId === id)!;
    expect(planned).toMatchObject({
      action: 'update',
      reason: "conflict on firstName resolved by a person: the CRM's value",
      toPropstreet: [{ field: 'firstName', before: 'Augusta', after: 'Ava' }],
      toCrm: [],
      conflicts: [{ field: 'firstName', resolved: { take: 'crm', value: 'Ava' } }],
    });

    const run = (await e.run()).connections[0]!.result;
    expect(run).toMatchObject({ status: 'ok', done: { update: { propstreet: 1, crm: 0 } } });
    expect(e.sb.propstreet.contact(id)!.firstName).toBe('Ava');
    expect(hs.get(record.id)!.properties.firstname).toBe('Ava');
    expect(await listed()).toMatchObject({ total: 0, conflicts: [] });
    const settled = writes(e.sb);
    await e.run();
    expect(writes(e.sb)).toEqual(settled);
  });

  it('--value writes a value of its own to both sides', async () => {
    const { id, hs, record, cli, listed } = await start();
    e.sb.propstreet.editAsUser(id, { lastName: 'Byron' });
    hs.editAsUser(record.id, { lastname: 'King' });
    await e.run();
    expect((await cli(['resolve', e.config.file, `${id}:lastName`, '--value', 'Lovelace'])).code).toBe(0);
    const run = (await e.run()).connections[0]!;
    expect(run.records.find((r) => r.propstreetId === id)).toMatchObject({
      toPropstreet: [{ field: 'lastName', after: 'Lovelace' }],
      toCrm: [{ field: 'lastName', after: 'Lovelace' }],
    });
    expect(e.sb.propstreet.contact(id)!.lastName).toBe('Lovelace');
    expect(hs.get(record.id)!.properties.lastname).toBe('Lovelace');
    expect((await listed()).total).toBe(0);
  });

  it('refuses an unknown conflict, a bad id and a missing choice (exit 2)', async () => {
    const { id, cli } = await start();
    const cases = [
      [['resolve', e.config.file, `${id}:firstName`, '--take', 'crm'], 'no open conflict'],
      [['resolve', e.config.file, 'no-field', '--take', 'crm'], 'expected <propstreetId>:<field>'],
      [['resolve', e.config.file, `${id}:firstName`], 'exactly one of'],
      [['resolve', e.config.file, `${id}:firstName`, '--take', 'both'], 'expected propstreet or crm'],
    ] as const;
    for (const [args, message] of cases) {
      const r = await cli([...args]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 2,
        stderr: expect.stringContaining(message),
      });
    }
  });
});
