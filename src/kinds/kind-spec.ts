/**
 * An object kind is data: what the connector syncs between Propstreet and a CRM, declared
 * once. The engine and the run take a kind's rules and ports; they have no branch per kind.
 * Contacts are the one kind today (src/kinds/contacts/).
 */
import type { z } from 'zod';
import type { PropstreetRecord } from '../engine/records.js';
import type { RunKind } from '../run/kind-writes.js';

export type CrmType = 'hubspot' | 'salesforce';

export interface KindSpec<R extends PropstreetRecord, W> extends RunKind<R, W> {
  /** The kind's name, as a mapping file's `object` names it. */
  readonly name: string;
  readonly propstreet: {
    /** The Propstreet API path of the kind's records. */
    readonly path: string;
    /** A record as the API returns it, validated at the boundary. */
    readonly schema: z.ZodType<R>;
  };
  /** The kind's object in each CRM, and the property/field holding the Propstreet id (the default). */
  readonly crm: {
    readonly hubspot: { readonly objectType: string; readonly keyProperty: string };
    readonly salesforce: { readonly sObject: string; readonly keyField: string };
  };
  /** The built-in mapping file for a CRM, relative to the package root. */
  mappingFile(crm: CrmType): string;
}
