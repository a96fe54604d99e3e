// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures are YAML text with ${VAR} references
import { describe, expect, it } from 'vitest';
import { tenantJsonSchema } from '../../src/config/json-schema.js';

describe('tenantJsonSchema', () => {
  it('is pinned: a schema change shows up as a diff of __snapshots__/tenant.schema.json', async () => {
    await expect(`${JSON.stringify(tenantJsonSchema(), null, 2)}\n`).toMatchFileSnapshot(
      './__snapshots__/tenant.schema.json',
    );
  });

  it('marks secrets writeOnly and forbids unknown keys', () => {
    const schema = tenantJsonSchema() as {
      additionalProperties: boolean;
      properties: { propstreet: { properties: Record<string, { writeOnly?: boolean }> } };
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.propstreet.properties.token?.writeOnly).toBe(true);
    expect(schema.properties.propstreet.properties.clientId?.writeOnly).toBeUndefined();
  });
});
