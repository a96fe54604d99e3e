/**
 * What the links phase needs, injected: the two clients' link calls, the contacts' and
 * companies' id lookups (their kinds' link tables), the CRM's associations and the contact's
 * job title there. The phase knows no kind's state layout: the caller binds these.
 */
import type { Clock } from '../core/clock.js';
import type { Redactor } from '../core/redact.js';
import type { AssociationResult, CrmAssociations } from '../crm/associations.js';
import type { ReadChangesOptions } from '../crm/port.js';
import type {
  PropstreetCompaniesApi,
  PropstreetContactsApi,
  PropstreetLinksApi,
} from '../propstreet/port.js';
import type { Scope, StateStore } from '../state/port.js';
import type { LinkConflictPolicy } from './merge-employments.js';
import type { RemovalLimits } from './removal-guard.js';

/** Propstreet id ⇄ CRM id for one kind (the kind's stored links). */
export interface IdLookup {
  crmIds(propstreetIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  propstreetIds(crmIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/** The contact's job title in the CRM (HubSpot `jobtitle`, Salesforce `Title`). */
export interface CrmTitles {
  /** The titles of the contacts the CRM holds; one it does not hold (deleted, merged away) is absent. */
  read(crmContactIds: readonly string[]): Promise<ReadonlyMap<string, string | null>>;
  write(items: readonly { crmId: string; title: string | null }[]): Promise<AssociationResult[]>;
  /**
   * The title as the CRM property holds it: cut to the mapping field's `maxLength` when it has
   * `truncate` (Salesforce `Title`: 128). Absent: as it is.
   */
  readonly fit?: (title: string | null) => string | null;
}

export interface LinksPorts {
  readonly propstreet: Pick<PropstreetLinksApi, 'listLinks' | 'createLink' | 'patchLink' | 'deleteLink'> &
    Pick<PropstreetContactsApi, 'getContact' | 'listContacts'> &
    Pick<PropstreetCompaniesApi, 'getCompany'>;
  /**
   * How many contacts the tenant has linked (the contacts kind's links): past twice the pages
   * they fill, the touched contacts are read from the contact list, not one GET each.
   */
  readonly linkedContacts?: () => Promise<number>;
  readonly crm: CrmAssociations;
  /** False when the CRM holds only the primary company (Salesforce without AccountContactRelation). */
  readonly secondary: () => Promise<boolean>;
  /** The CRM relates a contact to other companies only once it has a primary one (Salesforce). */
  readonly primaryFirst?: boolean | undefined;
  readonly titles?: CrmTitles | undefined;
  /**
   * Of these CRM contacts, the ones the CRM holds (a read of the contacts themselves): where the
   * associations read cannot tell a contact gone from one with no links (HubSpot lists neither)
   * and no title read tells it either. Absent where `crm.readHeld` answers it.
   */
  readonly heldContacts?: ((crmIds: readonly string[]) => Promise<ReadonlySet<string>>) | undefined;
  readonly contacts: IdLookup;
  readonly companies: IdLookup;
  /**
   * Of these Propstreet companies (none linked to a CRM company now), the ones whose link the
   * companies kind ended for good (a tombstone: the CRM company went away, the Propstreet one is
   * left as it is). Absent: none are.
   */
  readonly endedCompanies?: (propstreetIds: readonly string[]) => Promise<ReadonlySet<string>>;
  /**
   * Of these CRM companies (none linked to a Propstreet company now), the ones whose link ended:
   * they carry a Propstreet key, which the companies kind writes only to a company it linked (its
   * Propstreet company deleted, the CRM's left as it is). One without a key is new in the CRM and
   * not synced yet. Absent: none are.
   */
  readonly endedCrmCompanies?: (crmIds: readonly string[]) => Promise<ReadonlySet<string>>;
  /**
   * Of these CRM companies, the ones merged away, with the record each was merged into (HubSpot
   * gives a merge a new id; Salesforce keeps the master's). Absent: none are.
   */
  readonly mergedCompanies?: (crmIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;
  /**
   * CRM contacts changed since the checkpoint (null = all), page by page with a resumable
   * checkpoint: the contacts' CRM delta (an AccountId change bumps a Salesforce Contact).
   */
  readonly crmChanges: (
    checkpoint: string | null,
    /** The phase's overlap window (src/run/quiet-window.ts crmWindow), as the kinds read theirs. */
    window?: Pick<ReadChangesOptions, 'overlapMs' | 'from'>,
  ) => AsyncIterable<{
    /** Each changed contact with its last-modified stamp (the boundary memory compares them). */
    readonly records: readonly {
      readonly id: string;
      readonly modifiedAt: string;
      /** The contact's title as the delta read it, when the phase carries titles. */
      readonly title?: string | null;
    }[];
    readonly checkpoint: string;
  }>;
  /**
   * CRM links changed since the checkpoint (null = all) that stamp no contact (Salesforce's
   * indirect relations), page by page with a resumable checkpoint; absent where the CRM lists
   * none (HubSpot).
   */
  readonly relationChanges?: CrmAssociations['changes'];
  /** CRM links deleted since a time, by their own ids (Salesforce's indirect relations); absent where the CRM lists none. */
  readonly deletedLinks?: CrmAssociations['deleted'];
  /** Every linked contact, by Propstreet id, for a full scan (`fullScan`). */
  readonly allContacts?: () => AsyncIterable<readonly string[]>;
  readonly store: StateStore;
  /** Where the links phase keeps its shadows, checkpoints and deferrals. */
  readonly scope: Scope;
  readonly clock: Clock;
}

export interface LinksOptions {
  readonly dryRun: boolean;
  /**
   * Scrubs the error texts stored with deferred contacts' failures: a CRM error may echo a token
   * (Salesforce messages come unredacted), and the state store is copied, backed up and read.
   */
  readonly redactor: Pick<Redactor, 'redact'>;
  readonly policy?: LinkConflictPolicy;
  /** Re-read every linked contact's associations now (what no delta shows, e.g. HubSpot association edits). */
  readonly fullScan?: boolean;
  /** Re-read every linked contact once this long after the last full scan (`links.fullScanEvery`); unset: only when asked. */
  readonly fullScanEveryMs?: number;
  /** The mass-removal guard's limits; default maxShare 0.1, maxCount 500, no window (per run). */
  readonly limits?: RemovalLimits;
  /** Go past the mass-removal guard (`--force`). */
  readonly force?: boolean;
  /** Re-read the link delta this much before the checkpoint (inclusive `updated_since`, skew). */
  readonly overlapSeconds?: number;
  /** Delay before a deferred contact is tried again. */
  readonly retrySeconds?: number;
}
