/** Wire shapes of the Propstreet network API, validated at the boundary. */
import { z } from 'zod';
import { utcStamp } from './utc-stamp.js';

export const externalRefSchema = z.object({
  namespace: z.string().min(1).max(50),
  id: z.string().min(1).max(255),
});

export const contactSchema = z.object({
  id: z.string().min(1),
  uri: z.string().nullish(),
  externalRefs: z
    .array(externalRefSchema)
    .nullish()
    .transform((v) => v ?? []),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  linkedInUrl: z.string().nullish(),
  emails: z
    .array(z.object({ address: z.string(), type: z.string().nullish(), isPrimary: z.boolean().nullish() }))
    .nullish()
    .transform((v) => v ?? []),
  phones: z
    .array(z.object({ number: z.string(), type: z.string().nullish(), isPrimary: z.boolean().nullish() }))
    .nullish()
    .transform((v) => v ?? []),
  primaryLanguage: z.string().nullish(),
  tags: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  strategy: z.string().nullish(),
  primaryCompanyId: z.string().nullish(),
  companies: z
    .array(
      z.object({
        id: z.string(),
        uri: z.string().nullish(),
        name: z.string().nullish(),
        jobTitle: z.string().nullish(),
        isPrimary: z.boolean().nullish(),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
  profilePictureUrl: z.string().nullish(),
  createdUtc: utcStamp,
  updatedUtc: utcStamp,
  deletedUtc: utcStamp.nullish(),
  etag: z.string().nullish(),
  changeType: z.enum(['create', 'update', 'delete']).nullish(),
  changeOrigin: z.string().nullish(),
});

export type Contact = z.output<typeof contactSchema>;
export type ExternalRef = z.output<typeof externalRefSchema>;

const pageSchema = z.object({
  nextCursor: z.string().nullable(),
  hasMore: z.boolean(),
  // The reference types it as a string; accept both.
  pageSize: z.union([z.number(), z.string()]),
});

/**
 * The page envelope every versioned V1 list shares (contacts, companies, links); `data` items
 * are validated one by one so one bad record is isolated.
 */
export const pageEnvelopeSchema = z.object({
  data: z.array(z.unknown()),
  page: pageSchema,
});

export const problemSchema = z
  .object({
    type: z.string().optional(),
    title: z.string().optional(),
    status: z.number().optional(),
    detail: z.string().nullish(),
    instance: z.string().nullish(),
    errors: z.record(z.string(), z.array(z.string())).optional(),
  })
  .loose();

export type Problem = z.output<typeof problemSchema>;

/** Fields a create/PATCH/upsert may send. `null` clears a field; absent leaves it. */
export interface ContactWrite {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  linkedInUrl?: string | null;
  emails?: { address: string; type?: string | null; isPrimary?: boolean }[] | null;
  phones?: { number: string; type?: string | null; isPrimary?: boolean }[] | null;
  primaryLanguage?: string | null;
  tags?: string[] | null;
  strategy?: string | null;
  externalRefs?: ExternalRef[];
}
