/**
 * Wire shapes of Propstreet network companies (docs.propstreet.com, API reference: model
 * Company; PATCH /api/v1/network/companies/{id} body), validated at the boundary.
 */
import { z } from 'zod';
import { externalRefSchema } from './schema.js';
import { utcStamp } from './utc-stamp.js';

/** A contact as a company embeds it (model ContactLink): the company's side of "who works where". */
const contactLinkSchema = z.object({
  id: z.string(),
  uri: z.string().nullish(),
  email: z.string().nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  jobTitle: z.string().nullish(),
  isPrimary: z.boolean().nullish(),
});

export const companySchema = z.object({
  id: z.string().min(1),
  uri: z.string().nullish(),
  name: z.string(),
  /** Lower-case, no `www.`; Propstreet derives it from `homepageUrl` when that is set. */
  domain: z.string().nullish(),
  homepageUrl: z.string().nullish(),
  linkedInUrl: z.string().nullish(),
  countryCode: z.string().nullish(),
  strategy: z.string().nullish(),
  tags: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  externalRefs: z
    .array(externalRefSchema)
    .nullish()
    .transform((v) => v ?? []),
  /** Contacts linked to the company, primary first. */
  contacts: z
    .array(contactLinkSchema)
    .nullish()
    .transform((v) => v ?? []),
  createdUtc: utcStamp,
  updatedUtc: utcStamp,
  deletedUtc: utcStamp.nullish(),
  etag: z.string().nullish(),
  changeType: z.enum(['create', 'update', 'delete']).nullish(),
  changeOrigin: z.string().nullish(),
});

export type Company = z.output<typeof companySchema>;

/**
 * Fields a company create/PATCH/upsert may send (UpdateCompanyRequest). `null` clears a field;
 * absent leaves it. Propstreet ignores `domain` when `homepageUrl` is sent (it derives it).
 */
export interface CompanyWrite {
  name?: string | null;
  domain?: string | null;
  homepageUrl?: string | null;
  linkedInUrl?: string | null;
  countryCode?: string | null;
  strategy?: string | null;
  tags?: string[] | null;
  externalRefs?: { namespace: string; id: string }[];
}
