/** A throwaway PostgreSQL schema per test file, dropped afterwards. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL =
  process.env.PROPSYNC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function testSchemaName(label: string): string {
  return `propsync_test_${label}_${randomBytes(4).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
