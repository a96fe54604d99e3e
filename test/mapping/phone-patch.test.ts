/**
 * patches/libphonenumber-js+1.13.16.patch (applied by `npm ci`'s postinstall) changes how the
 * library's ES module build runs, never what it answers: its CommonJS build, left unpatched,
 * is the oracle. Every number in the shapes people type, in every region the mappings use,
 * must normalise exactly as the unpatched library would.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import type { CountryCode } from 'libphonenumber-js';
import * as patched from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { normalisePhone } from '../../src/mapping/transforms.js';
import { rawPhone } from './arbitraries.js';

const require = createRequire(import.meta.url);
/** `require` takes the package's CommonJS build (its exports' `require` condition): not patched. */
const unpatched = require('libphonenumber-js/max') as typeof import('libphonenumber-js/max');

const regions: (CountryCode | null)[] = ['SE', 'NO', 'DK', 'FI', 'DE', 'GB', 'US', null];

function viaUnpatched(typed: string, region: CountryCode | null): string | null {
  const t = typed.normalize('NFC').trim();
  if (t === '') return null;
  const parsed = unpatched.parsePhoneNumberFromString(t, {
    ...(region === null ? {} : { defaultCountry: region }),
    extract: false,
  });
  return parsed?.isValid() ? parsed.number : t;
}

describe('the libphonenumber-js patch', () => {
  it('is applied to the ES module build the mapping imports, and not to the CommonJS oracle', () => {
    const root = dirname(require.resolve('libphonenumber-js/package.json'));
    const file = (build: string) => readFileSync(join(root, build, 'helpers', 'matchesEntirely.js'), 'utf8');
    expect(file('es6')).toContain('compiledPatterns');
    expect(file('build')).not.toContain('compiledPatterns');
    const digits = (build: string) =>
      readFileSync(join(root, build, 'parseIncompletePhoneNumber.js'), 'utf8');
    expect(digits('es6')).toContain('plainDigits');
    expect(digits('build')).not.toContain('plainDigits');
  });

  it('normalises every number as the unpatched library does', () => {
    fc.assert(
      fc.property(rawPhone, fc.constantFrom(...regions), (raw, region) => {
        expect(normalisePhone(raw, region)).toBe(viaUnpatched(raw, region));
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads the characters of a number as the unpatched library does', () => {
    // parseIncompletePhoneNumber keeps `+` (leading only) and digits, Western or not: plain
    // ASCII digits take the patch's early return, everything else its loop by index.
    const unit = fc.constantFrom(
      ...'0123456789+ -().x',
      '\uff10', // fullwidth 0
      '\uff19', // fullwidth 9
      '\u0660', // Arabic-Indic 0
      '\u06f5', // Eastern Arabic-Indic 5
      '\ud83d\udcde', // a telephone receiver: a surrogate pair
    );
    const text = fc.oneof(
      fc.stringMatching(/^\+?[0-9]{0,16}$/),
      fc.array(unit, { maxLength: 20 }).map((u) => u.join('')),
      fc.string({ maxLength: 20, unit: 'binary' }),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(patched.parseIncompletePhoneNumber(t)).toBe(unpatched.parseIncompletePhoneNumber(t));
      }),
      { numRuns: 5_000 },
    );
  });

  it('answers the same for a number asked again, after other regions’ patterns were compiled', () => {
    // The patched build reuses a compiled pattern across calls (normalisePhone's own cache is
    // bypassed here): a pattern that kept state would answer differently the second time.
    const numbers = [
      '070-123 45 67',
      '+47 412 34 567',
      '+1 (415) 555-2671',
      '08-123 456 78',
      '0046 70 123 45',
      '+999',
    ];
    const answer = (lib: typeof unpatched, n: string, region: CountryCode | null) => {
      const parsed = lib.parsePhoneNumberFromString(
        n,
        region === null ? { extract: false } : { defaultCountry: region, extract: false },
      );
      return [parsed?.number, parsed?.isValid(), parsed?.getType()];
    };
    for (let round = 0; round < 3; round++)
      for (const region of regions)
        for (const n of numbers) expect(answer(patched, n, region)).toEqual(answer(unpatched, n, region));
  });
});
