/** A refresh-token grant at the HubSpot fake's token endpoint, as HubSpot's OAuth guide sends it. */
import type { HubSpotFake } from '../../fakes/hubspot/hubspot-fake.js';

export function requestToken(f: HubSpotFake, path = '/oauth/2026-03/token'): Promise<Response> {
  const { clientId, clientSecret, refreshToken } = f.oauth.app;
  return fetch(`${f.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: refreshToken,
    }).toString(),
  });
}
