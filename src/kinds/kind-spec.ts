/**
 * An object kind is data: what the connector syncs between Propstreet and a CRM, declared
 * once. The engine and the run take a kind's rules and ports; they have no branch per kind.
 * A kind is a folder (src/kinds/<kind>/): its spec, its accessors, its rules and its ports.
 */
import type { z } from 'zod';
import type { PropstreetRecord } from '../engine/records.js';
import type { AccessorSet } from '../mapping/accessor-set.js';
import type { RunKind } from '../run/kind-writes.js';
import type { KindName } from './names.js';

export type CrmType = 'hubspot' | 'salesforce';

/** The kind's object in one CRM. */
interface CrmObject {
  /**
   * A read-only property of the object that counts the records depending on one (the kind's
   * `dependants`), e.g. HubSpot's `num_associated_contacts` on companies. Read with every
   * record; absent when the CRM's record cannot tell, and then a delete it would guard is held.
   */
  readonly dependantsCount?: string | undefined;
}

export interface KindSpec<R extends PropstreetRecord, W> extends RunKind<R, W> {
  /** The kind's name, as a mapping file's `object` names it. */
  readonly name: KindName;
  readonly propstreet: {
    /** The Propstreet API path of the kind's records. */
    readonly path: string;
    /** A record as the API returns it, validated at the boundary. */
    readonly schema: z.ZodType<R>;
  };
  /** The kind's object in each CRM, and the property/field holding the Propstreet id (the default). */
  readonly crm: {
    readonly hubspot: CrmObject & { readonly objectType: string; readonly keyProperty: string };
    readonly salesforce: CrmObject & { readonly sObject: string; readonly keyField: string };
  };
  /** What a mapping file of the kind may read and write (its `propstreet:` accessors). */
  readonly accessors: AccessorSet<R, W>;
  /** The built-in mapping file for a CRM, relative to the package root. */
  mappingFile(crm: CrmType): string;
}
