/**
 * What the app needs of each object kind to run it: its spec (which CRM object, which key by
 * default), its ports over the API clients, and its mapper. The one table that names every
 * kind the program can run; a kind in the config but not here is refused before anything opens.
 */
import type { CrmAdapter } from '../crm/port.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import type { PropstreetRecord } from '../engine/records.js';
import { contactRunPorts } from '../kinds/contacts/ports.js';
import { CONTACTS } from '../kinds/contacts/spec.js';
import type { KindSpec } from '../kinds/kind-spec.js';
import type { Mapping } from '../mapping/index.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { Contact, ContactWrite } from '../propstreet/schema.js';
import type { RunDeps } from '../run/run-deps.js';
import { mapperFromMapping } from './mapper-from-mapping.js';

/** The deps of a run that come from the kind and the clients (the rest is the tenant's). */
export type KindPorts<R extends PropstreetRecord, W> = Pick<
  RunDeps<R, W>,
  'kind' | 'propstreet' | 'propstreetAccount' | 'crm' | 'crmAccount'
>;

export interface KindRun<R extends PropstreetRecord, W> {
  readonly spec: KindSpec<R, W>;
  ports(propstreet: PropstreetApi, crm: CrmAdapter): KindPorts<R, W>;
  mapper(mapping: Mapping): RecordMapper<R, W>;
}

/** Hands a kind's run to `use`, typed for the kind's records (the caller does not know which kind). */
type WithRun = <T>(use: <R extends PropstreetRecord, W>(run: KindRun<R, W>) => T) => T;

const CONTACTS_RUN: KindRun<Contact, ContactWrite> = {
  spec: CONTACTS,
  ports: contactRunPorts,
  mapper: mapperFromMapping,
};

/** Every kind that can run, by name. */
const KIND_RUNS: Readonly<Record<string, WithRun | undefined>> = {
  contacts: (use) => use(CONTACTS_RUN),
};

/** Calls `use` with the kind's run; undefined when the kind cannot be run (yet). */
export function withKindRun<T>(
  kind: string,
  use: <R extends PropstreetRecord, W>(run: KindRun<R, W>) => T,
): T | undefined {
  return KIND_RUNS[kind]?.(use);
}
