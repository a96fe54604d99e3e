/**
 * The `mappingOverrides` example of mappings/README.md ("Tenant overrides") loads on the shipped
 * HubSpot contacts mapping, as the text says, so a rule that would refuse it fails here first.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadMapping } from '../../src/mapping/index.js';

function example(): Record<string, unknown> {
  const text = readFileSync('mappings/README.md', 'utf8');
  const section = text.slice(text.indexOf('## Tenant overrides'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('mappings/README.md has no yaml example under "Tenant overrides"');
  return (parse(block) as { mappingOverrides: Record<string, unknown> }).mappingOverrides;
}

describe('the README override example', () => {
  it('loads on the shipped HubSpot contacts mapping, with each change applied', () => {
    const mapping = loadMapping('mappings/hubspot.contacts.yaml', {
      overrides: example(),
      source: 'tenants/acme.yaml',
      at: ['connections', 0, 'mappingOverrides'],
    });
    const field = (name: string) => mapping.fields.find((f) => f.name === name);
    expect(field('tags')).toBeUndefined();
    expect(field('email')?.direction).toBe('to-crm');
    expect(field('lastName')).toMatchObject({ required: true, default: '(none)' });
    expect(field('linkedInUrl')?.crm).toBe('hs_linkedin_url');
  });
});
