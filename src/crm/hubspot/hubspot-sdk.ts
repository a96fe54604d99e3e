/**
 * The HubSpot SDK's modules, loaded when a HubSpot connection first uses them rather than at
 * import: a process whose tenants sync only Salesforce never holds the SDK (≈ 4 MB of resident
 * memory, 3 MB of heap). node caches each module after its first load.
 */
import type * as ApiClient from '@hubspot/api-client';
import type * as AssociationsV4 from '@hubspot/api-client/lib/codegen/crm/associations/v4/index.js';
import type * as Contacts from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import type * as Properties from '@hubspot/api-client/lib/codegen/crm/properties/index.js';
import { requireOnDemand } from '../../core/require-on-demand.js';

export const sdkClient = (): typeof ApiClient => requireOnDemand('@hubspot/api-client') as typeof ApiClient;

export const sdkContacts = (): typeof Contacts =>
  requireOnDemand('@hubspot/api-client/lib/codegen/crm/contacts/index.js') as typeof Contacts;

export const sdkProperties = (): typeof Properties =>
  requireOnDemand('@hubspot/api-client/lib/codegen/crm/properties/index.js') as typeof Properties;

export const sdkAssociationsV4 = (): typeof AssociationsV4 =>
  requireOnDemand('@hubspot/api-client/lib/codegen/crm/associations/v4/index.js') as typeof AssociationsV4;
