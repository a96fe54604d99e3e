/**
 * `GET /account-info/v3/details`: the portal a token belongs to, shaped like HubSpot's
 * "Retrieve account details" (developers.hubspot.com/docs/api-reference/legacy/account/
 * account-information/get-account-details; the same fields under /account-info/2026-03/details).
 * One fake instance is one portal; its id is random per instance unless the test names it.
 */
import { randomInt } from 'node:crypto';
import type { FakeResponse } from '../shared/http-fake.js';

export const ACCOUNT_DETAILS_PATH = '/account-info/v3/details';

export function newPortalId(given?: number): number {
  return given ?? randomInt(10_000_000, 99_999_999);
}

export function accountDetails(portalId: number): FakeResponse {
  return {
    status: 200,
    body: {
      portalId,
      accountType: 'STANDARD',
      timeZone: 'Europe/Stockholm',
      companyCurrency: 'SEK',
      additionalCurrencies: [],
      utcOffset: '+01:00',
      utcOffsetMilliseconds: 3_600_000,
      uiDomain: 'app-eu1.hubspot.com',
      dataHostingLocation: 'eu1',
    },
  };
}
