/**
 * Propstreet network companies over a CompanyWorld (the PropstreetRecords port): If-Match on
 * PATCH and DELETE, an upsert found by its external ref that revives a deleted company, `name`
 * required, and `domain` derived from `homepageUrl` when a write sends one (docs.propstreet.com,
 * UpdateCompanyRequest: "Ignored if homepageUrl is provided").
 */
import { NotFoundError, PreconditionFailedError, ValidationError } from '../../../src/core/errors.js';
import type { PropstreetRecords, UpsertAction } from '../../../src/engine/ports.js';
import type { Company, CompanyWrite } from '../../../src/propstreet/company-schema.js';
import { bump, type CompanyWorld, hostOf, iso } from './company-world.js';

/** Applies a company write as Propstreet does: absent leaves, null clears, the homepage gives the domain. */
function applyWrite(company: Company, body: CompanyWrite): Company {
  const next: Company = { ...company };
  for (const key of ['name', 'domain', 'homepageUrl', 'linkedInUrl', 'countryCode', 'strategy'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (key === 'name') {
      if (!value) throw new ValidationError('name cannot be empty', { name: ['cannot be empty'] });
      next.name = value;
    } else if (key === 'countryCode' && value !== null && !/^[A-Z]{2}$/.test(value)) {
      // The model says ISO 3166-1 alpha-2; that other values are refused is this world's guess.
      throw new ValidationError(`countryCode ${value} is not a country code`, { countryCode: ['invalid'] });
    } else next[key] = value;
  }
  if (body.domain !== undefined) next.domain = hostOf(body.domain);
  if (body.homepageUrl !== undefined && body.homepageUrl !== null) next.domain = hostOf(body.homepageUrl);
  if (body.tags !== undefined) next.tags = body.tags ?? [];
  if (body.externalRefs !== undefined) next.externalRefs = body.externalRefs;
  return next;
}

export function inMemoryPropstreetCompanies(w: CompanyWorld): PropstreetRecords<Company, CompanyWrite> {
  const live = (id: string) => {
    const c = w.propstreet.get(id);
    if (!c || c.deletedUtc) throw new NotFoundError(`no company ${id}`);
    return c;
  };
  const checkEtag = (c: Company, ifMatch: string | undefined) => {
    if (ifMatch !== undefined && ifMatch !== c.etag)
      throw new PreconditionFailedError(`company ${c.id} changed: ${ifMatch} is not ${c.etag}`);
  };
  const byRef = (namespace: string, externalId: string) =>
    [...w.propstreet.values()].find((c) =>
      c.externalRefs.some(
        (r) => r.namespace.toLowerCase() === namespace.toLowerCase() && r.id === externalId,
      ),
    );
  return {
    async *list({ updatedSince, includeDeleted }) {
      const since = updatedSince ? Date.parse(updatedSince) : Number.NEGATIVE_INFINITY;
      const records = [...w.propstreet.values()]
        .filter((c) => Date.parse(c.updatedUtc) >= since && (includeDeleted || !c.deletedUtc))
        .sort((a, b) => a.updatedUtc.localeCompare(b.updatedUtc));
      yield { records, invalid: [] };
    },
    get: async (id) => w.propstreet.get(id) ?? null,
    async patch(id, body, { ifMatch }) {
      const current = live(id);
      checkEtag(current, ifMatch);
      const next = bump(applyWrite(current, body), w.tick());
      w.propstreet.set(id, next);
      w.log('propstreet', 'update', id);
      return next;
    },
    async upsertByExternalRef(namespace, externalId, body) {
      const found = byRef(namespace, externalId);
      const ref = { namespace, id: externalId };
      let action: UpsertAction;
      let next: Company;
      if (found && !found.deletedUtc) {
        action = 'updated';
        next = applyWrite(found, body);
      } else if (found) {
        action = 'revived';
        next = { ...applyWrite(found, body), deletedUtc: null };
      } else {
        if (!body.name) throw new ValidationError('name is required', { name: ['is required'] });
        action = 'created';
        const id = w.newPropstreetId();
        next = applyWrite(
          {
            id,
            name: body.name,
            tags: [],
            externalRefs: [ref],
            contacts: [],
            createdUtc: iso(w.now()),
            updatedUtc: iso(w.now()),
            etag: `W/"${id}-0"`,
          },
          body,
        );
      }
      next = bump(next, w.tick());
      w.propstreet.set(next.id, next);
      w.log(
        'propstreet',
        action === 'created' ? 'create' : action === 'revived' ? 'revive' : 'update',
        next.id,
      );
      return { record: next, action };
    },
    async delete(id, options = {}) {
      const current = live(id);
      checkEtag(current, options.ifMatch);
      const stamp = w.tick();
      w.propstreet.set(id, bump({ ...current, deletedUtc: iso(stamp) }, stamp));
      w.log('propstreet', 'delete', id);
    },
  };
}
