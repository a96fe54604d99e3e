/** Builders for report tests: small defaults, override what the test is about. */
import { emptyCounts } from '../../src/engine/counts.js';
import type { PlanCounts, RecordPlanShape } from '../../src/engine/types.js';
import type { LinksResult } from '../../src/links/links-phase.js';
import type { LinksReport } from '../../src/report/bound-links.js';
import type { ConnectionPlanReport, PlanReport } from '../../src/report/report-model.js';
import type { ConnectionResult } from '../../src/run/run-result.js';

export const HOSTILE_SCRIPT = '<script>window.__pwned = true</script>';
const HOSTILE_IMG = '"><img src=x onerror="window.__pwned=true">';

export function counts(overrides: Partial<PlanCounts> = {}): PlanCounts {
  return { ...emptyCounts(), ...overrides };
}

export function aRecord(overrides: Partial<RecordPlanShape> = {}): RecordPlanShape {
  return {
    propstreetId: 'ps-1',
    crmId: '101',
    label: 'Jane Doe',
    action: 'update',
    reason: 'changed in Propstreet',
    toCrm: [],
    toPropstreet: [],
    conflicts: [],
    writeCrmKey: false,
    writePropstreetRef: false,
    problems: [],
    ...overrides,
  };
}

export function aResult(overrides: Partial<ConnectionResult> = {}): ConnectionResult {
  return {
    tenant: 'acme',
    connection: 'hubspot',
    kind: 'contacts',
    crm: 'hubspot',
    dryRun: true,
    status: 'ok',
    pulled: { propstreet: 120, crm: 98 },
    planned: counts(),
    done: counts(),
    conflicts: [],
    failures: [],
    notices: [],
    invalid: [],
    calls: { propstreet: {}, crm: {} },
    startedAt: '2025-06-01T12:00:00.000Z',
    finishedAt: '2025-06-01T12:00:05.000Z',
    ...overrides,
  };
}

/** A plan with one of everything, hostile strings included, over two connections. */
export function sampleReport(): PlanReport {
  const hubspot: ConnectionPlanReport = {
    result: aResult({
      planned: counts({
        create: { propstreet: 1, crm: 1 },
        update: { propstreet: 1, crm: 1 },
        delete: { propstreet: 0, crm: 1 },
        link: 1,
        conflict: 1,
        skip: 1,
        invalid: 1,
        noop: 80,
      }),
      calls: {
        propstreet: { 'GET /api/v1/network/contacts': 3 },
        crm: { 'POST /crm/v3/objects/contacts/search': 2 },
      },
      invalid: [{ side: 'crm', id: '999', message: 'email: not an email' }],
    }),
    records: [
      aRecord({
        label: 'Jane Doe',
        toCrm: [{ field: 'email', before: 'jane@old.example', after: 'jane@new.example' }],
        toPropstreet: [{ field: 'phone', before: null, after: '+46701234567' }],
        conflicts: [
          {
            field: 'jobTitle',
            propstreet: 'CEO',
            crm: 'Chief',
            shadow: 'Boss',
            policy: 'newest-wins',
            winner: 'crm',
          },
        ],
      }),
      aRecord({
        label: 'New Person',
        action: 'create-in-crm',
        crmId: null,
        reason: 'new in Propstreet',
        writeCrmKey: true,
      }),
      aRecord({
        label: 'Crm Only',
        action: 'create-in-propstreet',
        propstreetId: null,
        reason: 'new in HubSpot',
      }),
      aRecord({
        label: 'Gone Person',
        action: 'delete-in-crm',
        reason: 'deleted in Propstreet',
        guarded: true,
      }),
      aRecord({
        label: 'Matched Mail',
        action: 'link',
        reason: 'same email',
        linkedBy: 'email',
        writePropstreetRef: true,
      }),
      aRecord({ label: 'Skipped One', action: 'skip', reason: 'direction is to-crm' }),
      aRecord({
        label: 'No Last Name',
        action: 'invalid',
        reason: 'fails validation',
        problems: ['LastName missing'],
      }),
      aRecord({ label: 'Quiet Person', action: 'noop', reason: 'unchanged' }),
      aRecord({
        label: HOSTILE_SCRIPT,
        action: 'update',
        reason: HOSTILE_IMG,
        toCrm: [{ field: 'notes', before: '`a|b`', after: HOSTILE_IMG }],
      }),
    ],
  };
  const salesforce: ConnectionPlanReport = {
    result: aResult({
      connection: 'sales',
      crm: 'salesforce',
      status: 'partial',
      planned: counts({ update: { propstreet: 0, crm: 1 } }),
      failures: [
        {
          side: 'crm',
          recordId: '003X',
          label: 'Bob Broken',
          error: 'INVALID_EMAIL_ADDRESS',
          quarantined: true,
        },
      ],
    }),
    records: [
      aRecord({
        label: 'Sam Sales',
        crmId: '003A',
        toCrm: [{ field: 'lastName', before: 'Sals', after: 'Sales' }],
      }),
    ],
  };
  return {
    generatedAt: '2025-06-01T12:00:06.000Z',
    tenant: 'acme',
    dryRun: true,
    connections: [hubspot, salesforce],
  };
}

/** Who works where for the hubspot connection: one row of each kind, a held removal, hostile names. */
export function linksOf(overrides: Partial<LinksResult> = {}): LinksReport[] {
  const result: LinksResult = {
    dryRun: true,
    fullScan: true,
    contactsRead: 3,
    rows: [
      {
        contact: '1001',
        contactLabel: 'Ada Lind',
        side: 'crm',
        action: 'associate',
        company: '50001',
        companyLabel: 'Acme AB',
        outcome: 'planned',
      },
      {
        contact: '1001',
        contactLabel: 'Ada Lind',
        side: 'crm',
        action: 'title',
        company: null,
        detail: 'CFO',
        outcome: 'planned',
      },
      {
        contact: '1002',
        contactLabel: HOSTILE_SCRIPT,
        side: 'propstreet',
        action: 'dissociate',
        company: '50002',
        companyLabel: HOSTILE_IMG,
        outcome: 'held',
      },
      { contact: '1003', side: 'propstreet', action: 'primary', company: '50003', outcome: 'planned' },
    ],
    conflicts: [
      { contact: '1001', message: "primary company: changed on both sides, Propstreet's value kept" },
    ],
    deferred: [{ contact: '1004', reason: 'CRM companies 777 are not linked to Propstreet companies yet' }],
    failed: [],
    abort: {
      code: 'MASS_DELETE_GUARD',
      message:
        'this run would remove 6 of 10 known employments (60.0%), more than deletes.maxShare (10.0%); rerun with --force if intended',
    },
    ...overrides,
  };
  return [{ connection: 'hubspot', crm: 'hubspot', result }];
}
