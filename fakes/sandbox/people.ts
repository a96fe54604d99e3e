/** Deterministic, realistic-looking people for the demo and end-to-end tests. */
import { seededRandom } from '../shared/seeded-random.js';

export const FIRST_NAMES = [
  'Anna',
  'Erik',
  'Maria',
  'Lars',
  'Karin',
  'Johan',
  'Sofia',
  'Anders',
  'Elin',
  'Mikael',
  'Ingrid',
  'Oskar',
  'Frida',
  'Nils',
  'Astrid',
  'Henrik',
  'Maja',
  'Gustav',
  'Linnea',
  'Per',
  'Olivia',
  'Viktor',
  'Ebba',
  'Axel',
];
export const LAST_NAMES = [
  'Andersson',
  'Johansson',
  'Karlsson',
  'Nilsson',
  'Eriksson',
  'Larsson',
  'Olsson',
  'Persson',
  'Svensson',
  'Gustafsson',
  'Pettersson',
  'Lindberg',
  'Lindqvist',
  'Berg',
  'Holm',
  'Sandberg',
  'Lund',
  'Ek',
  'Wallin',
  'Nyström',
];
const COMPANIES = [
  'Nordic Real Estate AB',
  'Stockholm Capital',
  'Baltic Property Partners',
  'Vasa Fastigheter',
  'Öresund Invest',
  'Gothia Asset Management',
  'Fjord Logistics REIT',
  'Kungsholmen Holding',
];
const TITLES = [
  'Head of Acquisitions',
  'Investment Manager',
  'CFO',
  'Portfolio Manager',
  'Partner',
  'Analyst',
  'Managing Director',
];

export interface Person {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly phone: string;
  readonly company: string;
  readonly jobTitle: string;
}

/** The i-th person of a seeded population: the same i always gives the same person. */
export function person(i: number, seed = 7): Person {
  const r = seededRandom(seed * 1_000_003 + i);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const firstName = pick(FIRST_NAMES);
  const lastName = pick(LAST_NAMES);
  const ascii = (s: string) =>
    s
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z]/g, '');
  return {
    firstName,
    lastName,
    email: `${ascii(firstName)}.${ascii(lastName)}${i}@example.com`,
    phone: `+46 70 ${String(100 + (i % 900)).padStart(3, '0')} ${String(10 + (i % 90)).padStart(2, '0')} ${String(i % 100).padStart(2, '0')}`,
    company: pick(COMPANIES),
    jobTitle: pick(TITLES),
  };
}
