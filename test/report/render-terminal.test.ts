import { describe, expect, it } from 'vitest';
import { registerSecret } from '../../src/core/redact.js';
import { renderTerminal, shouldUseColor } from '../../src/report/render-terminal.js';
import { aRecord, aResult, sampleReport } from './builders.js';

describe('renderTerminal', () => {
  const text = renderTerminal(sampleReport(), { color: false });

  it('shows each connection with counts per side and API calls', () => {
    expect(text).toContain('propsync plan (dry run): acme · 2025-06-01T12:00:06.000Z');
    expect(text).toContain('hubspot → HubSpot · ok · pulled Propstreet 120, HubSpot 98');
    expect(text).toMatch(/ {2}create +1 +1 +2\n/);
    expect(text).toMatch(/ {2}delete +0 +1 +1\n/);
    expect(text).toMatch(/ {2}unchanged +80\n/);
    expect(text).toContain(
      'API calls: Propstreet 3 (GET /api/v1/network/contacts: 3) · HubSpot 2 (POST /crm/v3/objects/contacts/search: 2)',
    );
    expect(text).toContain('sales → Salesforce · partial');
  });

  it('lists every record but noops, with field changes, conflicts, guards, problems and failures', () => {
    expect(text).not.toContain('Quiet Person');
    expect(text).toMatch(/update +Jane Doe +changed in Propstreet/);
    expect(text).toContain('→ HubSpot     email   jane@old.example → jane@new.example');
    expect(text).toContain('→ Propstreet  phone   (empty) → +46701234567');
    expect(text).toContain(
      '⚡ conflict jobTitle: Propstreet "CEO" · HubSpot "Chief" · shadow "Boss" · newest-wins: HubSpot wins',
    );
    expect(text).toMatch(/delete-in-crm +Gone Person +deleted in Propstreet \[guarded\]/);
    expect(text).toContain('✗ LastName missing');
    expect(text).toContain('crm 003X Bob Broken: INVALID_EMAIL_ADDRESS [quarantined]');
    expect(text).toContain('crm 999: email: not an email');
  });

  it('uses colour only when asked', () => {
    expect(text).not.toContain('\x1b');
    expect(renderTerminal(sampleReport(), { color: true })).toContain('\x1b[32mok\x1b[0m');
  });

  it('shouldUseColor: a TTY and no (non-empty) NO_COLOR', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({}, {})).toBe(false);
  });

  it('makes control characters in data visible instead of sending them to the terminal', () => {
    const report = {
      ...sampleReport(),
      connections: [{ result: aResult(), records: [aRecord({ label: 'Evil\x1b[2J\x07Name' })] }],
    };
    const out = renderTerminal(report, { color: true });
    expect(out).toContain('Evil\\x1b[2J\\x07Name');
    expect(out).not.toContain('\x1b[2J');
    expect(out).not.toContain('\x07');
  });

  it('summarises changes per field and records per reason before the list', () => {
    expect(text).toContain(
      'Changes by field: email: 1 change · jobTitle: 1 change · notes: 1 change · phone: 1 change\n',
    );
    expect(text).toMatch(
      /Records by reason: .*changed in Propstreet: 1 record · deleted in Propstreet: 1 record/,
    );
  });

  it('caps the records listed per connection', () => {
    const out = renderTerminal(sampleReport(), { color: false, maxRecords: 2 });
    expect(out).toContain('… 6 more records (write an .html or .json report to see all)');
    expect(out).not.toContain('Gone Person');
  });

  it('redacts registered secrets', () => {
    registerSecret('sk-terminal-secret-42');
    const report = {
      ...sampleReport(),
      connections: [
        { result: aResult(), records: [aRecord({ reason: 'auth failed for sk-terminal-secret-42' })] },
      ],
    };
    expect(renderTerminal(report, { color: false })).toContain('auth failed for [REDACTED]');
  });
});
