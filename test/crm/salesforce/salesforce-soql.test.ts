import fc from 'fast-check';
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactSchema } from '../../../fakes/salesforce/contact-schema.js';
import { bindQuery } from '../../../fakes/salesforce/soql-eval.js';
import { SoqlError, tokenize } from '../../../fakes/salesforce/soql-lexer.js';
import { parseSoql } from '../../../fakes/salesforce/soql-parser.js';
import {
  afterCheckpoint,
  decodeCheckpoint,
  encodeCheckpoint,
} from '../../../src/crm/salesforce/change-checkpoint.js';
import { chunkForIn, soqlDateTime, soqlLikeWords, soqlString } from '../../../src/crm/salesforce/soql.js';
import { type Harness, startHarness } from './harness.js';

const schema = new ContactSchema('Propstreet_Id__c');

function soqlErrorOf(soql: string): { errorCode: string; message: string } {
  try {
    bindQuery(parseSoql(soql), schema);
  } catch (e) {
    if (e instanceof SoqlError) return { errorCode: e.errorCode, message: e.message };
    throw e;
  }
  throw new Error(`query was accepted: ${soql}`);
}

describe('the fake’s SOQL parser', () => {
  it('parses the subset the adapter sends', () => {
    const q = parseSoql(
      "select Id, LastName FROM Contact WHERE (SystemModstamp > 2025-01-01T00:00:00Z OR (SystemModstamp = 2025-01-01T00:00:00.000+00:00 AND Id > '003000000000001AAA')) AND Email IN ('a@x.com', 'b@x.com') AND IsDeleted = false ORDER BY SystemModstamp ASC, Id DESC NULLS LAST LIMIT 10",
    );
    expect(q.fields.map((f) => f.name)).toEqual(['Id', 'LastName']);
    expect(q.where?.kind).toBe('and');
    expect(q.orderBy).toEqual([
      expect.objectContaining({ field: 'SystemModstamp', desc: false, nullsLast: false }),
      expect.objectContaining({ field: 'Id', desc: true, nullsLast: true }),
    ]);
    expect(q.limit).toBe(10);
  });

  it.each([
    ['SELECT Id FROM Contact WHERE', 'MALFORMED_QUERY'],
    ['SELECT Id, FROM Contact', 'MALFORMED_QUERY'],
    ["SELECT Id FROM Contact WHERE LastName = 'a' AND Email = 'b' OR Title = 'c'", 'MALFORMED_QUERY'],
    ["SELECT Id FROM Contact WHERE LastName = 'O'Brien'", 'MALFORMED_QUERY'],
    ["SELECT Id FROM Contact WHERE LastName = 'bad \\x escape'", 'MALFORMED_QUERY'],
    ["SELECT Id FROM Contact WHERE LastName = 'unterminated", 'MALFORMED_QUERY'],
    ['SELECT Nope__c FROM Contact', 'INVALID_FIELD'],
    ["SELECT Id FROM Contact WHERE SystemModstamp > '2025-01-01T00:00:00Z'", 'INVALID_FIELD'],
    ["SELECT Id FROM Contact WHERE Id = 'abc'", 'INVALID_QUERY_FILTER_OPERATOR'],
    ['SELECT Id FROM Lead', 'INVALID_TYPE'],
  ])('rejects %s with %s', (soql, code) => {
    expect(soqlErrorOf(soql).errorCode).toBe(code);
  });

  it('points at the offending column like Salesforce', () => {
    expect(soqlErrorOf('SELECT Id FROM Contact WHERE').message).toContain(
      'ERROR at Row:1:Column:29\nunexpected token: <EOF>',
    );
  });
});

describe('SOQL text from the adapter', () => {
  it('escapes any string so the fake’s lexer reads back the same value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const [token] = tokenize(soqlString(value));
        expect(token).toMatchObject({ kind: 'string', value });
      }),
    );
    expect(soqlString('O\'Brien \\ "x"\n')).toBe("'O\\'Brien \\\\ \\\"x\\\"\\n'");
  });

  it('finds a name by its words in order, whatever whitespace stands between them, wildcards literal', () => {
    expect(soqlLikeWords('acme  fastigheter\u00a0ab')).toBe("'acme%fastigheter%ab%'");
    expect(soqlLikeWords("o'neil 100% _x")).toBe("'o\\'neil%100\\%%\\_x%'");
  });

  it('writes datetime literals floored to the second, and inclusive checkpoint bounds', () => {
    expect(soqlDateTime(Date.parse('2025-01-02T03:04:05.678Z'))).toBe('2025-01-02T03:04:05Z');
    const cp = encodeCheckpoint(Date.parse('2025-01-02T03:04:05.678Z'));
    expect(decodeCheckpoint(cp)).toBe(Date.parse('2025-01-02T03:04:05.678Z'));
    expect(afterCheckpoint(decodeCheckpoint(cp), 0)).toBe('SystemModstamp >= 2025-01-02T03:04:05Z');
    expect(afterCheckpoint(decodeCheckpoint(cp), 60_000)).toBe('SystemModstamp >= 2025-01-02T03:03:05Z');
    // The run's deferred window names where to start instead, never after the checkpoint.
    expect(afterCheckpoint(decodeCheckpoint(cp), 0, '2025-01-02T03:03:50.100Z')).toBe(
      'SystemModstamp >= 2025-01-02T03:03:50Z',
    );
    expect(afterCheckpoint(decodeCheckpoint(cp), 0, '2025-01-02T02:00:00Z')).toBe(
      'SystemModstamp >= 2025-01-02T02:00:00Z',
    );
    expect(afterCheckpoint(decodeCheckpoint(cp), 0, '2025-01-03T00:00:00Z')).toBe(
      'SystemModstamp >= 2025-01-02T03:04:05Z',
    );
    // Both (a run retrying a failure, due for the deferred window too): the earlier start.
    expect(afterCheckpoint(decodeCheckpoint(cp), 60_000, '2025-01-02T03:03:50.100Z')).toBe(
      'SystemModstamp >= 2025-01-02T03:03:05Z',
    );
    expect(afterCheckpoint(decodeCheckpoint(cp), 60_000, '2025-01-02T02:00:00Z')).toBe(
      'SystemModstamp >= 2025-01-02T02:00:00Z',
    );
  });

  it('splits IN lists by count and by length', () => {
    expect(chunkForIn(Array.from({ length: 450 }, (_, i) => String(i))).map((c) => c.length)).toEqual([
      200, 200, 50,
    ]);
    const long = Array.from({ length: 100 }, (_, i) => `${'x'.repeat(90)}${i}@example.com`);
    const chunks = chunkForIn(long);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flat()).toEqual(long);
  });
});

describe('SOQL over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('answers a malformed query with 400 MALFORMED_QUERY, which jsforce raises by code', async () => {
    const conn = new jsforce.Connection({
      instanceUrl: h.fake.url,
      accessToken: h.fake.accessToken,
      version: '62.0',
    });
    await expect(conn.query('SELECT Id FROM Contact WHERE')).rejects.toMatchObject({
      errorCode: 'MALFORMED_QUERY',
    });
    const last = h.fake.http.requests.at(-1);
    expect(last).toMatchObject({ status: 400, path: '/services/data/v62.0/query' });
  });

  it('finds keys and emails holding quotes and backslashes', async () => {
    const key = 'it\'s a \\ "key"';
    const [created] = await h.adapter.upsertByKey([
      { key, properties: { LastName: "O'Brien", Email: "o'brien@example.com" } },
    ]);
    expect(created).toMatchObject({ ok: true, created: true });
    expect((await h.adapter.readByKeys([key])).map((r) => r.properties.LastName)).toEqual(["O'Brien"]);
    expect(
      (await h.adapter.findByMatch('Email', ["O'BRIEN@example.com"])).map(
        (r) => r.properties.Propstreet_Id__c,
      ),
    ).toEqual([key]);
  });
});
