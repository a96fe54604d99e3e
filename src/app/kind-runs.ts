/**
 * What the app needs of each object kind to run it: its spec (which CRM object, which key by
 * default), its ports over the API clients, and its mapper. The one table that names every
 * kind's Propstreet port; the compiler keeps it in step with the kinds (src/kinds/names.ts).
 */
import type { CrmAdapter } from '../crm/port.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import type { PropstreetRecord } from '../engine/records.js';
import { propstreetCompanies } from '../kinds/companies/propstreet-port.js';
import { COMPANIES } from '../kinds/companies/spec.js';
import { contactRunPorts } from '../kinds/contacts/ports.js';
import { CONTACTS } from '../kinds/contacts/spec.js';
import type { KindName, KindSpec } from '../kinds/index.js';
import { mapperFor } from '../kinds/mapper.js';
import { runPorts } from '../kinds/run-ports.js';
import type { Mapping } from '../mapping/index.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { RunDeps } from '../run/run-deps.js';

/** The deps of a run that come from the kind and the clients (the rest is the tenant's). */
export type KindPorts<R extends PropstreetRecord, W> = Pick<
  RunDeps<R, W>,
  'kind' | 'propstreet' | 'propstreetAccount' | 'crm' | 'crmAccount'
>;

export interface KindRun<R extends PropstreetRecord, W> {
  readonly spec: KindSpec<R, W>;
  ports(propstreet: PropstreetApi, crm: CrmAdapter): KindPorts<R, W>;
  /** The kind's mapper for `mapping`, which must map this kind (its `object`). */
  mapper(mapping: Mapping): RecordMapper<R, W>;
}

/** Hands a kind's run to `use`, typed for the kind's records (the caller does not know which kind). */
type WithRun = <T>(use: <R extends PropstreetRecord, W>(run: KindRun<R, W>) => T) => T;

const KIND_RUNS: { readonly [K in KindName]: WithRun } = {
  contacts: (use) =>
    use({ spec: CONTACTS, ports: contactRunPorts, mapper: (mapping) => mapperFor(CONTACTS, mapping) }),
  companies: (use) =>
    use({
      spec: COMPANIES,
      ports: (propstreet, crm) => runPorts(COMPANIES, propstreetCompanies(propstreet), propstreet, crm),
      mapper: (mapping) => mapperFor(COMPANIES, mapping),
    }),
};

/** Calls `use` with the kind's run. */
export function withKindRun<T>(
  kind: KindName,
  use: <R extends PropstreetRecord, W>(run: KindRun<R, W>) => T,
): T {
  return KIND_RUNS[kind](use);
}
