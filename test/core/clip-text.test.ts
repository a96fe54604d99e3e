/**
 * Payload excerpts quoted in error messages are redacted after they are cut: a cut inside a
 * secret left its first characters, which the redactor no longer recognised.
 */
import { describe, expect, it } from 'vitest';
import { excerpt } from '../../src/core/clip-text.js';
import { Redactor } from '../../src/core/redact.js';
import { checkObjects } from '../../src/crm/hubspot/hubspot-payload.js';

const TOKEN = 'pat-eu1-0f3c2d9a-7b1e-4c55-9d0e-2a6b8c4f1e77';

/** Whether any 8 characters of the token survive in `text`. */
function leaks(text: string): boolean {
  for (let i = 0; i + 8 <= TOKEN.length; i++) if (text.includes(TOKEN.slice(i, i + 8))) return true;
  return false;
}

describe('excerpt', () => {
  it('leaves out the word the cut falls in, keeps whole words and short texts', () => {
    expect(excerpt('short', 80)).toBe('short');
    expect(excerpt('one two three', 6)).toBe('one …');
    expect(excerpt('one two three', 8)).toBe('one two …');
    expect(excerpt(`{"note":"${TOKEN}"}`, 20)).toBe('{"note":"…');
    expect(excerpt('ab😀cd', 3)).toBe('ab…');
  });

  it('a HubSpot record that is no record, echoing a token across the cut, leaves none of it after redaction', () => {
    const redactor = new Redactor();
    redactor.register(TOKEN);
    for (let pad = 0; pad < 60; pad++) {
      const bad = { unexpected: `${'x'.repeat(pad)} ${TOKEN} tail` };
      let message = '';
      try {
        checkObjects([bad], 'POST', '/crm/v3/objects/contacts/batch/read');
      } catch (error) {
        message = redactor.redact((error as Error).message);
      }
      expect(message).toContain('expected results[0] to be a record');
      expect(leaks(message), message).toBe(false);
    }
  });
});
