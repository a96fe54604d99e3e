import { afterEach, describe, expect, it } from 'vitest';
import type { UpsertInput } from '../../../src/crm/port.js';
import { KEY, type Started, startHubSpot } from './hubspot-harness.js';

const person = (i: number, tag = 'w'): UpsertInput => ({
  key: `ps-${tag}-${i}`,
  properties: { email: `${tag}${i}@writes.example.com`, firstname: `F${i}`, lastname: `L${i}` },
});

describe('HubSpot writes', () => {
  let started: Started | undefined;
  afterEach(async () => {
    await started?.fake.close();
    started = undefined;
  });
  const writeCalls = () =>
    started?.fake.control.apiRequests().filter((r) => r.path.includes('/batch/upsert')) ?? [];

  it('upserts 1,050 records in 11 calls, and a rerun creates nothing new', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    const inputs = Array.from({ length: 1_050 }, (_, i) => person(i));
    const first = await adapter.upsertByKey(inputs);
    expect(first.every((r) => r.ok && r.created)).toBe(true);
    expect(writeCalls()).toHaveLength(11);
    expect(writeCalls().map((r) => r.records)).toEqual([...Array(10).fill(100), 50]);
    expect(adapter.usage().calls.write).toBe(11);

    const again = await adapter.upsertByKey(
      inputs.map((i) => ({ ...i, properties: { ...i.properties, jobtitle: 'CTO' } })),
    );
    expect(again.every((r) => r.ok && !r.created)).toBe(true);
    expect(again.map((r) => r.ok && r.id)).toEqual(first.map((r) => r.ok && r.id));
    expect(writeCalls()).toHaveLength(22);
    const live = fake.control.dump().filter((c) => !c.archived);
    expect(live).toHaveLength(1_050);
    expect(live.every((c) => c.properties.jobtitle === 'CTO')).toBe(true);
  });

  it('maps upsert results to inputs by the key: out of order, no trace ids echoed', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    // Ten of the thirty exist already, so creates and updates come back interleaved.
    const existing = fake.control.seed(
      Array.from({ length: 10 }, (_, i) => ({ properties: { [KEY]: `ps-o-${i * 3}` } })),
    );
    const inputs = Array.from({ length: 30 }, (_, i) => person(i, 'o'));
    const results = await adapter.upsertByKey(inputs);
    expect(results).toHaveLength(30);
    for (const [i, r] of results.entries()) {
      if (!r.ok) throw new Error(`input ${i} failed: ${r.error.message}`);
      expect(fake.control.get(r.id)?.properties[KEY]).toBe(inputs[i]?.key);
      expect(fake.control.get(r.id)?.properties.firstname).toBe(`F${i}`);
      expect(r.created).toBe(i % 3 !== 0);
      if (i % 3 === 0) expect(r.id).toBe(existing[i / 3]);
    }
  });

  it('writes a key repeated in one call in input order, last value winning', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    const results = await adapter.upsertByKey([
      { key: 'ps-dup', properties: { firstname: 'One' } },
      person(1),
      { key: 'ps-dup', properties: { firstname: 'Two' } },
    ]);
    expect(results.map((r) => r.ok && r.created)).toEqual([true, true, false]);
    const id = results[0]?.ok ? results[0].id : '';
    expect(fake.control.get(id)?.properties.firstname).toBe('Two');
  });

  it('a batch with one record HubSpot rejects per record (207): 99 written, 1 reported, 1 call', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    fake.control.rejectWhen((p) => p.firstname === 'F42', { property: 'firstname', code: 'INVALID_OPTION' });
    const results = await adapter.upsertByKey(Array.from({ length: 100 }, (_, i) => person(i)));
    expect(results.filter((r) => r.ok)).toHaveLength(99);
    expect(results[42]).toMatchObject({ ok: false, error: { code: 'invalid', crmCode: 'VALIDATION_ERROR' } });
    expect(writeCalls()).toHaveLength(1);
  });

  it('a batch HubSpot fails as a whole for one bad value: the other 99 are retried and written', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    fake.control.rejectWhen((p) => p.lastname === 'L7', {
      property: 'lastname',
      mode: 'whole-batch',
      message: 'Value L7 is not allowed',
    });
    const results = await adapter.upsertByKey(Array.from({ length: 100 }, (_, i) => person(i)));
    expect(results.filter((r) => r.ok)).toHaveLength(99);
    expect(results[7]).toMatchObject({ ok: false, error: { code: 'invalid', fields: ['lastname'] } });
    // The message names the value, so the culprit is blamed at once: the failed call and one retry.
    expect(writeCalls()).toHaveLength(2);
    expect(fake.control.dump().filter((c) => !c.archived)).toHaveLength(99);
  });

  it('isolates an unattributable whole-batch failure by splitting the batch', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    fake.control.rejectWhen((p) => p.firstname === 'F60', {
      property: 'firstname',
      mode: 'whole-batch',
      message: 'no',
    });
    const results = await adapter.upsertByKey(Array.from({ length: 100 }, (_, i) => person(i)));
    expect(results.filter((r) => r.ok)).toHaveLength(99);
    expect(results[60]).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(writeCalls().length).toBeLessThanOrEqual(15);
  });

  it.each([
    ['object-already-exists', 'OBJECT_ALREADY_EXISTS'],
    ['conflict', 'CONFLICT'],
  ] as const)(
    'reports a duplicate email with the existing id and writes the rest (%s body)',
    async (shape, crmCode) => {
      started = await startHubSpot();
      const { fake, adapter } = started;
      fake.control.setDuplicateBody(shape);
      const [existing] = fake.control.seed([{ properties: { email: 'taken@writes.example.com' } }]);
      const inputs = Array.from({ length: 10 }, (_, i) => person(i));
      inputs[4] = { key: 'ps-w-4', properties: { email: 'TAKEN@writes.example.com', firstname: 'Dup' } };
      const results = await adapter.upsertByKey(inputs);
      expect(results[4]).toMatchObject({
        ok: false,
        error: { code: 'duplicate', existingId: existing, crmCode },
      });
      expect(results.filter((r) => r.ok)).toHaveLength(9);
      // 409 for the batch, a read of the existing contact to find the culprit, the retry.
      expect(writeCalls()).toHaveLength(2);
      expect(adapter.usage().calls.read).toBe(1);
    },
  );

  it('fails every input that writes a property HubSpot does not have, and only those', async () => {
    started = await startHubSpot();
    const { adapter } = started;
    const inputs = Array.from({ length: 6 }, (_, i) => person(i));
    inputs[1] = { key: 'ps-w-1', properties: { ...inputs[1]?.properties, favourite_colour: 'blue' } };
    inputs[3] = { key: 'ps-w-3', properties: { ...inputs[3]?.properties, favourite_colour: 'red' } };
    const results = await adapter.upsertByKey(inputs);
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false, true, true]);
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'invalid', fields: ['favourite_colour'] } });
    expect(writeCalls()).toHaveLength(2);
  });

  it('updates by id and archives, 100 per call, clearing values written as null', async () => {
    started = await startHubSpot();
    const { fake, adapter } = started;
    const ids = fake.control.seed(
      Array.from({ length: 150 }, (_, i) => ({
        properties: { email: `u${i}@x.example.com`, phone: '+4670000000' },
      })),
    );
    const updated = await adapter.update(
      ids.map((id) => ({ id, properties: { phone: null, jobtitle: 'Broker' } })),
    );
    expect(updated.every((r, i) => r.ok && r.id === ids[i] && !r.created)).toBe(true);
    expect(fake.control.get(ids[0] ?? '')?.properties.phone).toBeUndefined();
    expect(fake.control.get(ids[0] ?? '')?.properties.jobtitle).toBe('Broker');
    const deleted = await adapter.delete(ids);
    expect(deleted.every((r) => r.ok)).toBe(true);
    expect(fake.control.dump().every((c) => c.archived)).toBe(true);
    expect(adapter.usage().calls).toMatchObject({ write: 2, archive: 2 });
  });
});
