/**
 * Wire shapes of Propstreet contact–company links (docs.propstreet.com, API reference: tag
 * Links — `GET/POST /api/v1/network/links`, `PATCH /api/v1/network/links/{id}`), validated at
 * the boundary. A link carries no `isPrimary`: the reference's Link sample has none. Which
 * company is a contact's primary one is read on the contact (`primaryCompanyId`,
 * `companies[].isPrimary`) or the company (`contacts[].isPrimary`), and written by a PATCH here.
 */
import { z } from 'zod';
import { utcStamp } from './utc-stamp.js';

export const linkSchema = z.object({
  id: z.string().min(1),
  contactId: z.string().min(1),
  companyId: z.string().min(1),
  jobTitle: z.string().nullish(),
  createdUtc: utcStamp,
  updatedUtc: utcStamp,
  deletedUtc: utcStamp.nullish(),
  etag: z.string().nullish(),
  changeType: z.enum(['create', 'update', 'delete']).nullish(),
  changeOrigin: z.string().nullish(),
});

export type Link = z.output<typeof linkSchema>;

/** `POST /links` (CreateLinkRequest): both ends required, `jobTitle` at most 255 characters. */
export interface LinkCreate {
  contactId: string;
  companyId: string;
  jobTitle?: string | null;
}

/**
 * `PATCH /links/{id}`: absent leaves a member, `null` clears it. `isPrimary: true` makes this the
 * contact's one primary company; `false` clears it when it is the primary.
 */
export interface LinkPatch {
  jobTitle?: string | null;
  isPrimary?: boolean | null;
}
