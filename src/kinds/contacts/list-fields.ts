/**
 * How a contact write splits between Propstreet's requests (propstreet/write-models.ts): the
 * `phones`/`emails` lists, which the PATCH by id silently ignores, go through the upsert by
 * the link's external ref, with their primaries; the rest through the PATCH with If-Match.
 */
import type { ContactWrite } from '../../propstreet/schema.js';
import { isEmptyWrite, splitCreate, splitUpdate } from '../../propstreet/write-models.js';
import type { KindWrites } from '../../run/kind-writes.js';
import { emailTaken } from './email-taken.js';

export const contactWrites: KindWrites<ContactWrite> = {
  splitCreate,
  splitUpdate,
  isEmpty: isEmptyWrite,
  withRefs: (body, externalRefs) => ({ ...body, externalRefs }),
  empty: () => ({}),
  upsertOnly: 'phone/email lists',
  createRefused: emailTaken,
};
