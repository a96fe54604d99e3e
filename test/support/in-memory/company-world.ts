/**
 * Companies in memory on both sides, for whole engine runs of the companies kind with no
 * network: Propstreet network companies and one CRM's company object as plain maps, with the
 * clock they share (1 ms per change) and what people do on each side. The ports over it are in
 * company-ports.ts. Every connector write is logged, so a test can assert a rerun writes nothing.
 */
import { normaliseDomain } from '../../../src/mapping/transforms.js';
import type { Company } from '../../../src/propstreet/company-schema.js';

export interface WorldWrite {
  readonly side: 'propstreet' | 'crm';
  readonly op: 'create' | 'update' | 'delete' | 'revive';
  readonly id: string;
}

export interface CrmRow {
  properties: Record<string, string | null>;
  modifiedAt: number;
  deleted: boolean;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** The two sides' companies and the clock they share (1 ms per change). */
export class CompanyWorld {
  private clock = Date.parse('2026-03-01T08:00:00.000Z');
  readonly propstreet = new Map<string, Company>();
  readonly crm = new Map<string, CrmRow>();
  /** Writes the connector made (users' edits are not logged). */
  readonly writes: WorldWrite[] = [];
  private ids = { propstreet: 0, crm: 0 };

  now(): number {
    return this.clock;
  }
  tick(): number {
    this.clock += 1;
    return this.clock;
  }
  advance(ms: number): void {
    this.clock += ms;
  }

  newPropstreetId(): string {
    this.ids.propstreet += 1;
    return `co-${this.ids.propstreet}`;
  }
  newCrmId(): string {
    this.ids.crm += 1;
    return String(900 + this.ids.crm);
  }

  /** A person creates a company in Propstreet. */
  createInPropstreet(fields: Partial<Company> & { name: string }): string {
    const id = this.newPropstreetId();
    const stamp = iso(this.tick());
    this.propstreet.set(id, {
      id,
      tags: [],
      externalRefs: [],
      contacts: [],
      createdUtc: stamp,
      etag: `W/"${id}-0"`,
      ...fields,
      domain: fields.domain ?? hostOf(fields.homepageUrl),
      updatedUtc: stamp,
    });
    return id;
  }

  /** A person edits a Propstreet company (a new version, a new etag); a homepage gives the domain. */
  editPropstreet(id: string, fields: Partial<Company>): void {
    const current = this.propstreetRecord(id);
    const derived = fields.homepageUrl ? { domain: hostOf(fields.homepageUrl) } : {};
    this.propstreet.set(id, bump({ ...current, ...fields, ...derived }, this.tick()));
  }

  /** Contacts linked to a Propstreet company (who works there). */
  setContacts(id: string, count: number): void {
    const contacts = Array.from({ length: count }, (_, i) => ({ id: `${id}-person-${i}` }));
    this.editPropstreet(id, { contacts });
  }

  deleteInPropstreet(id: string): void {
    const stamp = this.tick();
    this.propstreet.set(id, bump({ ...this.propstreetRecord(id), deletedUtc: iso(stamp) }, stamp));
  }

  /** A person creates a company in the CRM. */
  createInCrm(properties: Record<string, string | null>): string {
    const id = this.newCrmId();
    this.crm.set(id, { properties: { ...properties }, modifiedAt: this.tick(), deleted: false });
    return id;
  }

  editCrm(id: string, properties: Record<string, string | null>): void {
    const row = this.crmRow(id);
    Object.assign(row.properties, properties);
    row.modifiedAt = this.tick();
  }

  deleteInCrm(id: string): void {
    const row = this.crmRow(id);
    row.deleted = true;
    row.modifiedAt = this.tick();
  }

  propstreetRecord(id: string): Company {
    const c = this.propstreet.get(id);
    if (!c) throw new Error(`no Propstreet company ${id}`);
    return c;
  }

  crmRow(id: string): CrmRow {
    const row = this.crm.get(id);
    if (!row) throw new Error(`no CRM company ${id}`);
    return row;
  }

  /** The live CRM company whose key holds this Propstreet id. */
  crmIdOf(propstreetId: string, keyProperty: string): string | undefined {
    for (const [id, row] of this.crm)
      if (!row.deleted && row.properties[keyProperty] === propstreetId) return id;
    return undefined;
  }

  log(side: WorldWrite['side'], op: WorldWrite['op'], id: string): void {
    this.writes.push({ side, op, id });
  }
}

export function hostOf(url: string | null | undefined): string | null {
  return url ? normaliseDomain(url) : null;
}

export function bump(company: Company, stamp: number): Company {
  const version = Number(/-(\d+)"$/.exec(company.etag ?? '')?.[1] ?? 0) + 1;
  return { ...company, updatedUtc: iso(stamp), etag: `W/"${company.id}-${version}"` };
}
