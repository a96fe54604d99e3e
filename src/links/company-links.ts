/**
 * Which CRM company each Propstreet company is linked to now (the companies kind's links), and
 * what that means for a contact's shadow:
 * - a company with no CRM company now whose link ended (the shadow shows it, or the companies
 *   kind left a tombstone) is one the CRM cannot hold: Propstreet's jobs there stand as they are;
 * - a company the shadow recorded with another CRM company than it has now (relinked after a
 *   deletion, recreated) was never held on the CRM side by that company: the merge takes it as
 *   new, adding it to the CRM, never reading its absence there as a removal;
 * - unless the recorded CRM company was merged into the one it has now (HubSpot gives a merge a
 *   new id): that is the same company, whose associations the CRM moved with it. Taken as new, a
 *   job removed on one side while the CRM merged its company came back (bug 55);
 * - a shadow's primary whose CRM company was merged into another company's (its own link ended)
 *   is held by the CRM as that company: the CRM's primary there is the merge's, not a move
 *   (`mergedPrimary`, bug 73).
 * Shadows record the CRM company of each company since 12-04; older ones record none and are
 * compared as they are.
 */
import type { Employments } from './employments.js';
import type { LinksPorts } from './ports.js';

export class CompanyLinks {
  /** Propstreet company → its CRM company now ('' when it has none). */
  private readonly crmOf = new Map<string, string>();
  private readonly ended = new Set<string>();
  /** Recorded CRM company → the one it was merged into (asked only of recorded ones that moved). */
  private readonly mergedInto = new Map<string, string>();

  constructor(private readonly ports: Pick<LinksPorts, 'companies' | 'endedCompanies' | 'mergedCompanies'>) {}

  /** Looks up the companies not looked up yet (two store reads at most). */
  async learn(companies: Iterable<string>): Promise<void> {
    const fresh = new Set<string>();
    for (const c of companies) if (!this.crmOf.has(c)) fresh.add(c);
    if (fresh.size === 0) return;
    const ids = [...fresh];
    const linked = await this.ports.companies.crmIds(ids);
    for (const id of ids) this.crmOf.set(id, linked.get(id) ?? '');
    const unlinked = ids.filter((id) => !linked.has(id));
    if (unlinked.length > 0 && this.ports.endedCompanies)
      for (const id of await this.ports.endedCompanies(unlinked)) this.ended.add(id);
  }

  /**
   * Reads, for these shadows, which recorded CRM companies that differ from their company's now
   * were merged into it (one batch read, only when some differ; call after `learn`).
   */
  async learnMerges(shadows: Iterable<Employments | null>): Promise<void> {
    const { mergedCompanies } = this.ports;
    if (!mergedCompanies) return;
    const ask = new Set<string>();
    for (const shadow of shadows)
      for (const [c, then] of shadow?.crmCompanies ?? [])
        if (
          then !== '' &&
          (this.differs(c, then) || this.endedPrimary(shadow, c)) &&
          !this.mergedInto.has(then)
        )
          ask.add(then);
    if (ask.size === 0) return;
    for (const [from, into] of await mergedCompanies([...ask])) this.mergedInto.set(from, into);
  }

  /**
   * The company the CRM holds this shadow's primary as now, when that primary has no CRM company
   * any more because its CRM company was merged into another one's (call after `learnMerges`).
   * HubSpot moves a merged company's Primary labels to the merged record, and Propstreet's
   * primary there reads as the CRM's primary at the survivor's Propstreet company: a label that
   * followed the merge, no primary a CRM user chose (bug 73).
   */
  mergedPrimary(shadow: Employments | null): string | undefined {
    const primary = shadow?.primary;
    if (!shadow || primary == null || !this.endedPrimary(shadow, primary)) return undefined;
    const into = this.mergedInto.get(shadow.crmCompanies?.get(primary) ?? '');
    if (into === undefined) return undefined;
    for (const [c, now] of this.crmOf) if (now === into) return c;
    return undefined;
  }

  /** Whether `c` is the shadow's primary and has no CRM company now (its recorded one may have been merged). */
  private endedPrimary(shadow: Employments | null, c: string): boolean {
    return shadow?.primary === c && this.crmOf.get(c) === '';
  }

  /** The companies the CRM cannot hold, of a contact with this (stored) shadow and Propstreet side. */
  unknownFor(shadow: Employments | null, propstreet?: Employments): ReadonlySet<string> {
    const inShadow = new Set(companiesOf(shadow));
    const out = new Set<string>();
    for (const c of new Set([...inShadow, ...companiesOf(propstreet ?? null)]))
      if (this.crmOf.get(c) === '' && (inShadow.has(c) || this.ended.has(c))) out.add(c);
    return out;
  }

  /** The shadow to merge against: without the companies it recorded with another CRM company. */
  comparable(shadow: Employments | null): Employments | null {
    const recorded = shadow?.crmCompanies;
    if (!shadow || !recorded) return shadow;
    const moved = (c: string) => {
      const then = recorded.get(c);
      return then !== undefined && this.differs(c, then) && this.mergedInto.get(then) !== this.crmOf.get(c);
    };
    if (![...recorded.keys()].some(moved)) return shadow;
    const companies = new Map([...shadow.companies].filter(([c]) => !moved(c)));
    const primary = shadow.primary !== null && moved(shadow.primary) ? null : shadow.primary;
    return { primary, companies, crmCompanies: recorded };
  }

  /** Whether company `c` is linked now to a CRM company other than `then` (and to one at all). */
  private differs(c: string, then: string): boolean {
    const now = this.crmOf.get(c);
    return now !== undefined && now !== '' && now !== then;
  }

  /** `e` with the CRM company each of its companies is linked to now recorded ('' none). */
  recorded(e: Employments): Employments {
    return { ...e, crmCompanies: new Map([...e.companies.keys()].map((c) => [c, this.crmOf.get(c) ?? ''])) };
  }
}

/** The companies employments name, the primary included. */
export function companiesOf(e: Employments | null): string[] {
  if (!e) return [];
  return e.primary === null ? [...e.companies.keys()] : [...e.companies.keys(), e.primary];
}
