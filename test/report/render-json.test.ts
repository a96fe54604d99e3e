import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import { renderJson } from '../../src/report/render-json.js';
import type { PlanReport } from '../../src/report/report-model.js';
import { reportFormatFor, writeReport } from '../../src/report/write-report.js';
import { aRecord, aResult, sampleReport } from './builders.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('renderJson', () => {
  it('is the PlanReport as is', () => {
    expect(JSON.parse(renderJson(sampleReport(), { redactor }))).toEqual(sampleReport());
  });

  it('sorts keys at every level, so equal reports are byte-identical', () => {
    const report = sampleReport();
    const reordered = JSON.parse(JSON.stringify(report), function (this: unknown, _k, v: unknown) {
      if (v && typeof v === 'object' && !Array.isArray(v))
        return Object.fromEntries(Object.entries(v).reverse());
      return v;
    }) as PlanReport;
    expect(renderJson(reordered, { redactor })).toBe(renderJson(report, { redactor }));
    const text = renderJson(report, { redactor });
    expect(text.indexOf('"connections"')).toBeLessThan(text.indexOf('"dryRun"'));
    expect(text.indexOf('"dryRun"')).toBeLessThan(text.indexOf('"generatedAt"'));
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('redacts registered secrets', () => {
    redactor.register('sk-json-secret-4242');
    const report = {
      ...sampleReport(),
      connections: [{ result: aResult(), records: [aRecord({ reason: 'sk-json-secret-4242' })] }],
    };
    expect(renderJson(report, { redactor })).not.toContain('sk-json-secret-4242');
  });
});

describe('writeReport', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('picks the format from the extension and creates parent directories', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'propsync-report-'));
    dirs.push(dir);
    const report = sampleReport();
    await writeReport(report, join(dir, 'out/plan.html'), { redactor });
    await writeReport(report, join(dir, 'out/plan.md'), { redactor });
    await writeReport(report, join(dir, 'out/plan.json'), { redactor });
    await writeReport(report, join(dir, 'out/plan.txt'), { redactor });
    expect(await readFile(join(dir, 'out/plan.html'), 'utf8')).toMatch(/^<!doctype html>/);
    expect(await readFile(join(dir, 'out/plan.md'), 'utf8')).toMatch(/^# propsync plan/);
    expect(JSON.parse(await readFile(join(dir, 'out/plan.json'), 'utf8'))).toEqual(report);
    expect(await readFile(join(dir, 'out/plan.txt'), 'utf8')).not.toContain('\x1b');
    expect((await readdir(join(dir, 'out'))).sort()).toEqual([
      'plan.html',
      'plan.json',
      'plan.md',
      'plan.txt',
    ]);
  });

  it('rejects an unknown extension before writing anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'propsync-report-'));
    dirs.push(dir);
    await expect(writeReport(sampleReport(), join(dir, 'plan.pdf'), { redactor })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(() => reportFormatFor('plan.pdf')).toThrow(
      'report plan.pdf: expected a file ending in .html, .md, .json or .txt, got ".pdf"',
    );
    expect(reportFormatFor('PLAN.HTM')).toBe('html');
    expect(existsSync(join(dir, 'plan.pdf'))).toBe(false);
  });
});
