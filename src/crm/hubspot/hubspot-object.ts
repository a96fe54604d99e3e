/**
 * What differs between the HubSpot objects the adapter reads and writes (contacts, companies):
 * the path segment, the last-modified property, the group new properties go into, the words
 * messages use, the property HubSpot itself keeps unique, and the SDK module that speaks it.
 * Every other module takes one of these instead of naming an object.
 *
 * - contacts: `lastmodifieddate`; `email` is unique; group `contactinformation`.
 * - companies: `hs_lastmodifieddate` (search guide: companies return `name, domain, createdate,
 *   hs_lastmodifieddate, hs_object_id` by default); nothing unique of HubSpot's own (the API does
 *   not deduplicate companies by `domain`); group `companyinformation`.
 */
import type { Client } from '@hubspot/api-client';
import type { CallOptions } from './hubspot-transport.js';

export type HubSpotObjectType = 'contacts' | 'companies';

/**
 * The SDK calls the adapter makes, as one shape for every object module: the codegen modules
 * (`crm.contacts`, `crm.companies`) have the same methods over structurally equal models, but
 * each module's own options class, so the options are typed as the transport passes them.
 */
type Contacts = Client['crm']['contacts'];
type Answer<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type Batch = Contacts['batchApi'];
export interface ObjectApis {
  readonly basicApi: {
    getPageWithHttpInfo(
      limit: number | undefined,
      after: string | undefined,
      properties: string[] | undefined,
      propertiesWithHistory: string[] | undefined,
      associations: string[] | undefined,
      archived: boolean | undefined,
      o: CallOptions,
    ): Promise<Answer<Contacts['basicApi']['getPageWithHttpInfo']>>;
  };
  readonly batchApi: {
    readWithHttpInfo(
      input: Parameters<Batch['readWithHttpInfo']>[0],
      archived: boolean | undefined,
      o: CallOptions,
    ): Promise<Answer<Batch['readWithHttpInfo']>>;
    upsertWithHttpInfo(
      input: Parameters<Batch['upsertWithHttpInfo']>[0],
      o: CallOptions,
    ): Promise<Answer<Batch['upsertWithHttpInfo']>>;
    updateWithHttpInfo(
      input: Parameters<Batch['updateWithHttpInfo']>[0],
      o: CallOptions,
    ): Promise<Answer<Batch['updateWithHttpInfo']>>;
    archiveWithHttpInfo(
      input: Parameters<Batch['archiveWithHttpInfo']>[0],
      o: CallOptions,
    ): Promise<Answer<Batch['archiveWithHttpInfo']>>;
  };
  readonly searchApi: {
    doSearchWithHttpInfo(
      request: Parameters<Contacts['searchApi']['doSearchWithHttpInfo']>[0],
      o: CallOptions,
    ): Promise<Answer<Contacts['searchApi']['doSearchWithHttpInfo']>>;
  };
}

export interface HubSpotObject {
  readonly objectType: HubSpotObjectType;
  /** The property search sorts and filters changes by. */
  readonly lastModified: string;
  /** Where a property the connector creates is grouped (HubSpot's own group for the object). */
  readonly groupName: string;
  /** The object in words: "contact", "company". */
  readonly noun: string;
  /** A property HubSpot itself keeps unique, whose clashes name the existing record (contacts' email). */
  readonly uniqueProperty: string | undefined;
  readonly apis: (client: Client) => ObjectApis;
}

const OBJECTS: Readonly<Record<HubSpotObjectType, HubSpotObject>> = {
  contacts: {
    objectType: 'contacts',
    lastModified: 'lastmodifieddate',
    groupName: 'contactinformation',
    noun: 'contact',
    uniqueProperty: 'email',
    apis: (client) => client.crm.contacts,
  },
  companies: {
    objectType: 'companies',
    lastModified: 'hs_lastmodifieddate',
    groupName: 'companyinformation',
    noun: 'company',
    uniqueProperty: undefined,
    apis: (client) => client.crm.companies,
  },
};

export function hubSpotObject(objectType: HubSpotObjectType): HubSpotObject {
  return OBJECTS[objectType];
}

/** `/crm/v3/objects/{type}` plus a rest, for logs and error messages. */
export function objectPath(object: HubSpotObject, rest = ''): string {
  return `/crm/v3/objects/${object.objectType}${rest}`;
}

export function capitalised(noun: string): string {
  return noun.charAt(0).toUpperCase() + noun.slice(1);
}
