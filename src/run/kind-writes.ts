/**
 * What the executor needs to know of an object kind to write its records to Propstreet: how a
 * body splits between the request by id (If-Match) and the upsert by external ref (members
 * only the upsert takes), how to set the refs, and what Propstreet's refusal of a create means
 * when it is the kind's own rule. A kind declares it (src/kinds/<kind>/).
 */
import type { CrmRecord } from '../crm/port.js';
import type { KindRules } from '../engine/kind-rules.js';
import type { ExternalRef, PropstreetRecord } from '../engine/records.js';

export interface SplitWrite<W> {
  /** For the PATCH by id. */
  readonly byId: W;
  /** For the upsert by external ref. */
  readonly byRef: W;
}

export interface KindWrites<W> {
  /** A create through the upsert: what it takes goes there, the rest to a PATCH by the new id. */
  splitCreate(body: W): SplitWrite<W>;
  /** An update: what the PATCH by id takes goes there; members only the upsert takes go there. */
  splitUpdate(body: W): SplitWrite<W>;
  isEmpty(body: W): boolean;
  /** The body with the record's externalRefs set to `refs`. */
  withRefs(body: W, refs: ExternalRef[]): W;
  /** A body that writes nothing. */
  empty(): W;
  /** The members only the upsert writes, for messages ("phone/email lists"). */
  readonly upsertOnly: string;
  /**
   * Why Propstreet refused to create a CRM record's counterpart, when the refusal is the kind's
   * own rule (contacts: another contact holds the email); undefined for any other error.
   */
  createRefused(
    error: unknown,
    crm: CrmRecord | null,
    crmMatchProperty: string | undefined,
  ): string | undefined;
}

/** An object kind as a run uses it: the planner's rules and the executor's writes. */
export interface RunKind<R extends PropstreetRecord, W> extends KindRules<R> {
  /** The kind's name (`contacts`, `companies`): its state is kept apart under it (Scope.kind). */
  readonly name: string;
  readonly writes: KindWrites<W>;
}
