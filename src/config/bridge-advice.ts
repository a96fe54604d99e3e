/**
 * What `validate` advises about a bridge (several connections on one tenant): a record both CRMs
 * already hold is brought to Propstreet by the first connection, and the other connection, not
 * pairing by its value, sees it as new: a second company in Propstreet, and each CRM gets the
 * other's copy (a review probe: one company became two in all three systems); contacts are
 * skipped in Propstreet (email is unique there) but copied into the other CRM. Advice, not a
 * refusal: CRMs that share no records need no value matching, and a tenant may keep it off. A
 * connection only receiving (`direction: to-crm`) brings no records of its own to meet.
 */
import type { MatchRule } from '../core/vocabulary.js';
import { KINDS } from '../kinds/index.js';
import type { ObjectKind } from './object-kinds.js';
import type { TenantConfig } from './tenant-config.js';

/** The value a bridge pairs each kind's shared records by. */
const PAIRS_BY: Readonly<Record<ObjectKind, MatchRule>> = { contacts: 'email', companies: 'domain' };

export interface Advice {
  readonly name: string;
  readonly message: string;
}

/**
 * The tenant's connections other than `except` that bring `kind`'s CRM records and edits to
 * Propstreet: they sync the kind, and not only towards the CRM (`direction: to-crm`).
 */
export function bringersOf(
  config: Pick<TenantConfig, 'connections'>,
  kind: ObjectKind,
  except: string,
): string[] {
  return config.connections
    .filter((c) => c.name !== except && c.objects.some((o) => o.kind === kind && o.direction !== 'to-crm'))
    .map((c) => c.name);
}

export function bridgeAdvice(config: Pick<TenantConfig, 'connections'>): Advice[] {
  const out: Advice[] = [];
  for (const kind of Object.keys(PAIRS_BY) as ObjectKind[]) {
    const field = PAIRS_BY[kind];
    const syncing = config.connections.flatMap((c) =>
      c.objects.filter((o) => o.kind === kind).map((o) => ({ connection: c.name, ...o })),
    );
    const { one, many } = KINDS[kind].noun;
    for (const x of syncing) {
      if (x.match.includes(field)) continue;
      // Only a connection that brings its CRM's records to Propstreet brings the other's twins.
      const bringers = bringersOf(config, kind, x.connection);
      if (bringers.length === 0) continue;
      out.push({
        name: `bridge: ${x.connection} · ${many}`,
        message:
          `${x.connection} does not pair ${many} by ${field}: a ${one} its CRM holds that ${bringers.join(', ')} ` +
          `brought to Propstreet is seen as new (${kind === 'contacts' ? 'skipped in Propstreet, where email is unique' : 'a second company in Propstreet'}) ` +
          `and copied into its CRM again; add ${field} to its match (match: [externalRef, key, ${field}]) ` +
          `unless the CRMs share no ${many}`,
      });
    }
  }
  return out;
}
