/**
 * The tenant file's JSON Schema, generated from the zod schema (what a user writes: defaults
 * make keys optional). Editors use it via `# yaml-language-server: $schema=…`; a snapshot test
 * pins it so a schema change is a visible diff.
 */
import { z } from 'zod';
import { tenantFileSchema } from './tenant-schema.js';

export function tenantJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(tenantFileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
}
