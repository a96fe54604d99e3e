/**
 * Which account an API's credentials reach. A tenant's state (links, shadows, checkpoints)
 * names records of exactly one Propstreet organisation and one CRM account; the run compares
 * these identities with the ones the state was first used with (src/engine/account-binding.ts).
 */
export interface AccountIdentity {
  /**
   * Stable and comparable, prefixed by what it identifies: `propstreet-team:…`,
   * `hubspot-portal:…`, `salesforce-org:…`.
   */
  readonly id: string;
  /** A name for people (team or portal name), when the API gives one. */
  readonly label?: string | undefined;
}

export function describeIdentity(identity: AccountIdentity): string {
  return identity.label ? `${identity.id} (${identity.label})` : identity.id;
}
