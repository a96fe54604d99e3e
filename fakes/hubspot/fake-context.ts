/** What the fake's route handlers share: the stores, injected per-record rejections, scopes. */

import type { AssociationStore } from './association-store.js';
import type { FakeOAuth } from './oauth-routes.js';
import type { FakeObjectType } from './object-schema.js';
import type { ObjectStore, WireValue } from './object-store.js';
import type { PortalClock } from './portal-clock.js';

export interface RejectOptions {
  /** Only writes of this object are rejected (default: any object's). */
  readonly objectType?: FakeObjectType;
  /**
   * `multi-status` (default): the batch answers 207 with this input listed under `errors`
   * and the others applied. `whole-batch`: the whole call fails with a 400 VALIDATION_ERROR
   * naming the property, as HubSpot does for an invalid value in update/upsert.
   */
  readonly mode?: 'multi-status' | 'whole-batch';
  /** The property to blame in the error (default: the first one in the input). */
  readonly property?: string;
  readonly code?: string;
  readonly message?: string;
}

export interface Rejection extends RejectOptions {
  readonly id: number;
  readonly when: (properties: Readonly<Record<string, WireValue>>) => boolean;
}

export interface FakeContext {
  /** The portal's clock and id sequence, shared by every object. */
  readonly clock: PortalClock;
  /** One store per object the fake serves. */
  readonly objects: Readonly<Record<FakeObjectType, ObjectStore>>;
  /** Contact ↔ company associations (v4). */
  readonly associations: AssociationStore;
  rejections: Rejection[];
  /**
   * HubSpot documents per-input (207) errors via `objectWriteTraceId` for batch create only;
   * `all-batch-writes` extends that to update and upsert for experiments.
   */
  traceIdMultiStatus: 'create-only' | 'all-batch-writes';
  /**
   * The 409 body of a taken contact email: `object-already-exists` (category
   * OBJECT_ALREADY_EXISTS, error CONTACT_EXISTS, `errors[].in: email`; H50, the newer) or
   * `conflict` (category CONFLICT; H11, the older).
   */
  duplicateBody: 'object-already-exists' | 'conflict';
  readonly deniedScopes: Set<string>;
  /** Bearer tokens accepted; null accepts any non-empty token. */
  acceptedTokens: Set<string> | null;
  /** The portal (HubSpot account) this fake is, for `/account-info/v3/details`. */
  readonly portalId: number;
  /** The installed OAuth app: issues access tokens that expire. */
  readonly oauth: FakeOAuth;
}
