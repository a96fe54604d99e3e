/**
 * `GET /api/v1/auth/me`: the caller and its primary team, shaped like the reference's `Me`
 * model (docs.propstreet.com/api-reference/model/Me; guide: /documentation/identity-teams).
 * One fake instance is one organisation: every token it accepts is a bot user of the same
 * primary team. Ids are opaque strings, random per instance unless the test names them.
 */
import { randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { problem } from './problem.js';

export const ME_PATH = '/api/v1/auth/me';

export interface FakeOrganisation {
  readonly teamId: string;
  readonly teamName: string;
}

export function newOrganisation(given?: Partial<FakeOrganisation>): FakeOrganisation {
  return { teamId: given?.teamId ?? randomUUID(), teamName: given?.teamName ?? 'Fake Capital AB' };
}

export function handleMe(org: FakeOrganisation, req: FakeRequest, botUserId: string): FakeResponse {
  if (req.method !== 'GET') return problem(405, `${req.method} is not allowed on ${req.path}.`, req.path);
  return {
    status: 200,
    body: {
      id: botUserId,
      email: null,
      phone: null,
      firstName: 'Integration',
      lastName: 'Bot',
      capabilities: {},
      culture: 'sv-SE',
      uiCulture: 'en-US',
      region: 'SE',
      timeZone: 'Europe/Stockholm',
      isBot: true,
      emailConfirmed: false,
      phoneConfirmed: false,
      profilePictureUrl: null,
      primaryTeam: {
        id: org.teamId,
        name: org.teamName,
        plan: 'professional',
        categories: ['private_equity'],
        membership: { role: 'member', status: 'active', jobTitle: null, joinedUtc: '2024-02-01T10:00:00Z' },
      },
      secondaryTeams: [],
    },
  };
}
