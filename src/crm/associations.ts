/**
 * The CrmAssociations port: links between records of two CRM objects (HubSpot contacts →
 * companies through associations v4), apart from `CrmAdapter` because a link is about two
 * objects, not one. In CRM terms only: record ids of the CRM, nothing of Propstreet.
 */
import type { CrmUsage, ReadChangesOptions, WriteError } from './port.js';

export interface CrmAssociation {
  /** A record of the `from` object (a contact). */
  readonly fromId: string;
  /** A record of the `to` object (a company). */
  readonly toId: string;
  /** The `from` record's primary link of this kind (HubSpot: the contact's primary company). */
  readonly primary: boolean;
  /**
   * The link's own id, where the CRM gives a link one of its own (a Salesforce indirect
   * AccountContactRelation): what a deleted link is listed by (`deleted`). Read only.
   */
  readonly id?: string;
}

/** What `readHeld` returns: the links, and the `from` records that are not there. */
export interface HeldAssociations {
  readonly associations: CrmAssociation[];
  readonly missing: ReadonlySet<string>;
}

/** Links deleted in a time range, by their own ids (`CrmAssociations.deleted`). */
export interface DeletedLinks {
  /** Ids of the links deleted in the range (their `from` records are not listed). */
  readonly ids: readonly string[];
  /** The next range starts here: the end of what this answer covers. */
  readonly covered: string;
  /**
   * False when the CRM no longer lists every deletion since the range's start (it keeps them
   * for a limited time): deletions may be missing, and only reading every link finds them.
   */
  readonly complete: boolean;
}

/** Links created or edited since a checkpoint, as a CRM lists them apart from their records. */
export interface AssociationChangePage {
  /** Each changed link: its own id, its `from` record and its stamp. */
  readonly records: readonly { readonly id: string; readonly fromId: string; readonly modifiedAt: string }[];
  /** Resume after this page. */
  readonly checkpoint: string;
}

/** One result per input, in input order. */
export type AssociationResult = { readonly ok: true } | { readonly ok: false; readonly error: WriteError };

export interface CrmAssociations {
  /** The `from` → `to` object names as the CRM calls them (`contacts` → `companies`). */
  readonly from: string;
  readonly to: string;
  /** Every link of these `from` records; records with none (or gone) contribute nothing. */
  read(fromIds: readonly string[]): Promise<CrmAssociation[]>;
  /**
   * `read`, also naming the `from` records the CRM does not hold (deleted, merged away): a record
   * gone is not a record with no links. Absent where the CRM cannot tell them apart in one read.
   */
  readonly readHeld?: (fromIds: readonly string[]) => Promise<HeldAssociations>;
  /**
   * Links each pair; an existing link stays (a repeat changes nothing), `primary` makes the
   * `to` record the `from` record's primary one (the previous primary stays linked, unlabelled).
   */
  associate(links: readonly CrmAssociation[]): Promise<AssociationResult[]>;
  /** Removes every link between each pair (primary or not); a pair not linked is fine. */
  dissociate(links: readonly Pick<CrmAssociation, 'fromId' | 'toId'>[]): Promise<AssociationResult[]>;
  /**
   * Links created or changed since `checkpoint` (null = all) that stamp no `from` record, where
   * the CRM lists them (Salesforce's indirect AccountContactRelations); absent where it does not
   * (HubSpot: association edits reach us as webhooks or a full scan). Deleted links are not
   * listed here: a CRM that deletes them for good lists their ids apart (`deleted`). `window` re-reads before the
   * checkpoint as a record delta does (ReadChangesOptions).
   */
  readonly changes?: (
    checkpoint: string | null,
    window?: Pick<ReadChangesOptions, 'overlapMs' | 'from'>,
  ) => AsyncIterable<AssociationChangePage>;
  /**
   * Links deleted from `since` to now, by id, where the CRM lists them (Salesforce's `deleted`
   * replication resource); absent where it does not (HubSpot).
   */
  readonly deleted?: (since: string) => Promise<DeletedLinks>;
  usage(): CrmUsage;
}
