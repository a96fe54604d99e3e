/**
 * The write steps on their own, through the real client against the Propstreet fake: a stale
 * DELETE defers to the re-plan (a contact edited after its delete was planned is not deleted
 * blindly), the upsert that carries lists only ever updates the contact it was meant for, and a
 * create the batch upsert made carries on from its id and etag.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import { WriteNotAppliedError } from '../../src/core/errors.js';
import type { PairPlan } from '../../src/engine/plan-pair.js';
import { toRecordPlan } from '../../src/engine/record-plan.js';
import type { RecordPlanShape } from '../../src/engine/types.js';
import { contactWrites } from '../../src/kinds/contacts/list-fields.js';
import { propstreetContacts } from '../../src/kinds/contacts/ports.js';
import { CONTACTS } from '../../src/kinds/contacts/spec.js';
import { mapperFor } from '../../src/kinds/mapper.js';
import { loadMapping } from '../../src/mapping/index.js';
import { loadMappingFromString } from '../../src/mapping/load-mapping.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import type { Contact } from '../../src/propstreet/schema.js';
import { createInPropstreet, deleteWithReplan, patchWithReplan } from '../../src/run/propstreet-writes.js';
import { caught, clientFor } from '../propstreet/helpers.js';

let fake: PropstreetFake;
let client: PropstreetClient;

beforeAll(async () => {
  fake = await startPropstreetFake();
  client = clientFor(fake);
});
beforeEach(() => fake.reset());
afterAll(async () => {
  await client.close();
  await fake.close();
});

function pairPlan(contact: Contact, plan: Partial<RecordPlanShape>): PairPlan<Contact> {
  return {
    plan: toRecordPlan({
      propstreetId: contact.id,
      crmId: 'sf1',
      label: 'x',
      action: 'update',
      reason: 'test',
      toCrm: [],
      toPropstreet: [],
      conflicts: [],
      writeCrmKey: false,
      writePropstreetRef: false,
      problems: [],
      ...plan,
    }),
    pair: { propstreet: contact, crm: null, link: null, propstreetEcho: false },
    shadow: null,
    crmProperties: {},
  };
}

const readContact = async (id: string) => (await client.getContact(id))!;

describe('deleteWithReplan', () => {
  it('does not delete when the re-plan for the edited contact no longer says delete', async () => {
    const [seeded] = fake.seed([
      { firstName: 'Dana', externalRefs: [{ namespace: 'salesforce', id: 'sf1' }] },
    ]);
    const planned = await readContact(seeded!.id);
    fake.editAsUser(planned.id, { lastName: 'Edited-after-plan' });
    const seen: Contact[] = [];
    const pp = pairPlan(planned, { action: 'delete-in-propstreet' });
    const out = await deleteWithReplan(pp, {
      propstreet: propstreetContacts(client),
      replan: (fresh) => {
        seen.push(fresh);
        return pairPlan(fresh, { action: 'skip', reason: 'edited after the delete was planned' });
      },
    });
    expect(out.deleted).toBe(false);
    expect(seen.map((c) => c.lastName)).toEqual(['Edited-after-plan']);
    expect(fake.contact(planned.id)!.deletedUtc).toBeNull();
  });
});

describe('patchWithReplan with a list field', () => {
  const mapper = mapperFor(CONTACTS, loadMapping('mappings/salesforce.contacts.yaml'));
  const mobile = { field: 'mobilePhone', before: null, after: '+46709998877' };
  const noReplan = () => {
    throw new Error('no re-plan expected');
  };

  it('sends the list only by a ref the If-Match PATCH just confirmed, else fails before the upsert', async () => {
    const [seeded] = fake.seed([{ firstName: 'Lu', externalRefs: [{ namespace: 'salesforce', id: 'sf1' }] }]);
    // The copy we plan with shows the ref under the current etag, but Propstreet no longer
    // has it: the If-Match PATCH passes, and its answer is what the upsert is checked against.
    const read = await readContact(seeded!.id);
    fake.editAsUser(read.id, { externalRefs: [] });
    const now = { ...(await readContact(read.id)), externalRefs: read.externalRefs };
    const from = fake.apiRequests().length;
    const e = await caught(() =>
      patchWithReplan(pairPlan(now, { toPropstreet: [mobile] }), {
        propstreet: propstreetContacts(client),
        writes: contactWrites,
        mapper,
        namespace: 'salesforce',
        own: () => undefined,
        replan: noReplan,
      }),
    );
    expect(e).toBeInstanceOf(WriteNotAppliedError);
    expect((e as Error).message).toMatch(/lacks the salesforce\/sf1 ref/);
    expect(
      fake
        .apiRequests()
        .slice(from)
        .map((r) => r.method),
    ).toEqual(['PATCH']);
    expect(fake.allContacts()).toHaveLength(1);
  });

  it('writes the mobile number into phones and claims only the versions it made', async () => {
    const [seeded] = fake.seed([
      {
        firstName: 'Lu',
        phone: '+46701112233',
        phones: [{ number: '+46701112233', type: 'work' }],
        externalRefs: [{ namespace: 'salesforce', id: 'sf1' }],
      },
    ]);
    const read = await readContact(seeded!.id);
    const owned: string[] = [];
    const out = await patchWithReplan(pairPlan(read, { toPropstreet: [mobile] }), {
      propstreet: propstreetContacts(client),
      writes: contactWrites,
      mapper,
      namespace: 'salesforce',
      own: (etag) => owned.push(etag),
      replan: noReplan,
    });
    expect(out.record!.phones.map((p) => [p.number, p.type])).toEqual([
      ['+46701112233', 'work'],
      ['+46709998877', 'mobile'],
    ]);
    // The empty If-Match PATCH changed nothing: its (unchanged) etag is not ours to claim.
    expect(owned).toEqual([out.record!.etag]);
  });
});

describe('createInPropstreet after the batch upsert made the contact', () => {
  const mapper = mapperFor(
    CONTACTS,
    loadMappingFromString(
      [
        'crm: hubspot',
        'object: contacts',
        'fields:',
        '  - { name: firstName, propstreet: firstName, crm: firstname }',
        '  - { name: linkedIn, propstreet: linkedInUrl, crm: linkedin }',
      ].join('\n'),
      'test.yaml',
    ),
  );
  const plan = (fields: Record<string, string>) =>
    toRecordPlan({
      propstreetId: null,
      crmId: 'h1',
      label: 'x',
      action: 'create-in-propstreet',
      reason: 'new in the CRM',
      toCrm: [],
      toPropstreet: Object.entries(fields).map(([field, after]) => ({ field, before: null, after })),
      conflicts: [],
      writeCrmKey: true,
      writePropstreetRef: false,
      problems: [],
    });
  const deps = (owned: string[]) => ({
    propstreet: propstreetContacts(client),
    writes: contactWrites,
    mapper,
    namespace: 'hubspot',
    own: (etag: string) => void owned.push(etag),
  });

  it('makes no call when the upsert took every member: id and etag, no record to check', async () => {
    const [made] = fake.seed([{ firstName: 'Bo', externalRefs: [{ namespace: 'hubspot', id: 'h1' }] }]);
    const owned: string[] = [];
    const from = fake.apiRequests().length;
    const p = plan({ firstName: 'Bo' });
    if (p.action !== 'create-in-propstreet') throw new Error('not a create');
    const out = await createInPropstreet(p, deps(owned), {
      id: made!.id,
      etag: made!.etag,
      action: 'created',
    });
    expect(out).toEqual({ id: made!.id, etag: made!.etag, record: null });
    expect(owned).toEqual([made!.etag]);
    expect(fake.apiRequests().slice(from)).toEqual([]);
  });

  it("PATCHes what the upsert lacks with the batch's etag as If-Match, and checks the answer", async () => {
    const [made] = fake.seed([{ firstName: 'Bo', externalRefs: [{ namespace: 'hubspot', id: 'h1' }] }]);
    const owned: string[] = [];
    const p = plan({ firstName: 'Bo', linkedIn: 'https://www.linkedin.com/in/bo' });
    if (p.action !== 'create-in-propstreet') throw new Error('not a create');
    const out = await createInPropstreet(p, deps(owned), {
      id: made!.id,
      etag: made!.etag,
      action: 'created',
    });
    expect(out.record?.linkedInUrl).toBe('https://www.linkedin.com/in/bo');
    expect(owned).toEqual([made!.etag, out.etag]);
    // A stale batch etag (someone edited it meanwhile) is a 412, never an overwrite.
    fake.editAsUser(made!.id, { lastName: 'Edited' });
    const e = await caught(() =>
      createInPropstreet(p, deps([]), { id: made!.id, etag: out.etag, action: 'updated' }),
    );
    expect((e as { code?: string }).code).toBe('PRECONDITION_FAILED');
  });
});
