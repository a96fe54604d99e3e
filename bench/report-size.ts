/**
 * `npm run bench:report`: the HTML report at the size of a real first sync. Builds a
 * synthetic plan of N records (default 100,000; `--n`), renders the HTML report, and opens it
 * in headless Chromium (playwright-core, /usr/bin/chromium) to time what a reader waits for:
 * page load until the first rows are drawn, a filter click, a search. Prints each figure next
 * to its target. Timings are from one run on a shared machine: treat them as ±30 %.
 *
 *   npm run bench:report -- --n 100000 [--write]
 *
 * `--write` puts the table into bench/RESULTS.md between the REPORT_SECTION markers (a
 * later `npm run bench` keeps that section when it rewrites the file).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { Redactor } from '../src/core/redact.js';
import type { RecordPlanShape } from '../src/engine/types.js';
import { renderHtml } from '../src/report/render-html.js';
import type { PlanReport } from '../src/report/report-model.js';
import { aRecord, aResult, counts } from '../test/report/builders.js';
import { REPORT_SECTION, withReportSection } from './report-section.js';

/** The bench is an entry point: its own redactor, handed to what it runs. */
const redactor = new Redactor();

const CHROMIUM = '/usr/bin/chromium';
const TARGETS = { sizeMb: 15, interactiveMs: 2000, filterMs: 200 };

const FIRST = ['Anna', 'Björn', 'Carla', 'David', 'Elin', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas'];
const LAST = ['Andersson', 'Berg', 'Castillo', 'Dahl', 'Ekström', 'Fischer', 'Gupta', 'Holm'];
const TITLES = ['Investment Manager', 'Partner', 'Analyst', 'Head of Acquisitions', 'CFO'];

/**
 * A first sync of N Propstreet contacts into a CRM holding some of them: 80 % created in the
 * CRM with six fields, 15 % linked by email with two fields updated, 4 % updated towards
 * Propstreet, 1 % with a conflict left for a person (and a few failing validation).
 */
export function firstSyncPlan(n: number): PlanReport {
  const records: RecordPlanShape[] = [];
  for (let i = 0; i < n; i++) {
    const first = `${FIRST[i % FIRST.length]}`;
    const last = `${LAST[(i >> 3) % LAST.length]}-${i}`;
    const email = `${first.toLowerCase()}.${i}@example-${i % 500}.com`;
    const ids = { propstreetId: `ps-${100000 + i}`, label: `${first} ${last}` };
    const kind = i % 100;
    if (kind < 80) {
      records.push(
        aRecord({
          ...ids,
          crmId: null,
          action: 'create-in-crm',
          reason: 'new in Propstreet',
          writeCrmKey: true,
          toCrm: [
            { field: 'firstName', before: null, after: first },
            { field: 'lastName', before: null, after: last },
            { field: 'email', before: null, after: email },
            { field: 'phone', before: null, after: `+4670${String(1000000 + i)}` },
            { field: 'company', before: null, after: `Fastighets AB ${i % 997}` },
            { field: 'jobTitle', before: null, after: TITLES[i % TITLES.length] ?? null },
          ],
          ...(kind === 79
            ? { action: 'invalid', reason: 'fails validation', problems: ['email: not an email'] }
            : {}),
        }),
      );
    } else if (kind < 95) {
      records.push(
        aRecord({
          ...ids,
          crmId: String(5000000 + i),
          action: 'link',
          reason: 'same email',
          linkedBy: 'email',
          writeCrmKey: true,
          writePropstreetRef: true,
          toCrm: [
            { field: 'jobTitle', before: 'Analyst', after: TITLES[i % TITLES.length] ?? null },
            { field: 'phone', before: null, after: `+4670${String(1000000 + i)}` },
          ],
        }),
      );
    } else if (kind < 99) {
      records.push(
        aRecord({
          ...ids,
          crmId: String(5000000 + i),
          reason: 'changed in HubSpot',
          toPropstreet: [{ field: 'lastName', before: `${last}x`, after: last }],
        }),
      );
    } else {
      records.push(
        aRecord({
          ...ids,
          crmId: String(5000000 + i),
          action: 'noop',
          reason: 'both changed',
          conflicts: [
            {
              field: 'email',
              propstreet: email,
              crm: `old.${email}`,
              shadow: null,
              policy: 'manual',
              winner: 'none',
            },
          ],
        }),
      );
    }
  }
  return {
    generatedAt: '2026-12-01T12:00:00.000Z',
    tenant: 'bench',
    dryRun: true,
    connections: [
      {
        result: aResult({
          pulled: { propstreet: n, crm: Math.round(n * 0.2) },
          planned: counts({
            create: { propstreet: 0, crm: Math.round(n * 0.79) },
            link: Math.round(n * 0.15),
          }),
        }),
        records,
      },
    ],
  };
}

interface Figures {
  readonly records: number;
  readonly sizeMb: number;
  readonly renderMs: number;
  readonly interactiveMs: number;
  readonly filterMs: number;
  readonly summaryFilterMs: number;
  readonly firstSearchMs: number;
  readonly earlySearchMs: number;
  readonly searchMs: number;
}

/** Runs `action` in the page and waits for the frame after it to be painted; returns ms. */
const TIMED = (action: string) => `(async () => {
  const t0 = performance.now();
  ${action};
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
})()`;

const SEARCH = (q: string) =>
  TIMED(
    `const i = document.getElementById('filter'); i.value = ${JSON.stringify(q)}; i.dispatchEvent(new Event('input'))`,
  );

async function measure(n: number): Promise<Figures> {
  const plan = firstSyncPlan(n);
  const t0 = performance.now();
  const html = renderHtml(plan, { redactor });
  const renderMs = performance.now() - t0;
  const dir = await mkdtemp(join(tmpdir(), 'propsync-report-bench-'));
  const file = join(dir, 'plan.html');
  await writeFile(file, html);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const start = performance.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'commit' });
    await page.waitForSelector('#records .rec', { timeout: 120_000 });
    const interactiveMs = performance.now() - start;
    const filterMs = await page.evaluate<number>(
      TIMED(`document.querySelector('button[data-group="tag"][data-value="link"]').click()`),
    );
    const summaryFilterMs = await page.evaluate<number>(
      TIMED(`document.querySelector('button[data-group="field"][data-value="company"]').click()`),
    );
    await page.evaluate<number>(
      TIMED(`document.querySelector('button[data-group="field"][data-value="company"]').click()`),
    );
    await page.evaluate<number>(
      TIMED(`document.querySelector('button[data-group="tag"][data-value="all"]').click()`),
    );
    const firstSearchMs = await page.evaluate<number>(SEARCH('example-42.com'));
    // Worst case: a search typed the moment the rows appear, before the search text is built.
    await page.evaluate(SEARCH(''));
    await page.reload({ waitUntil: 'commit' });
    await page.waitForSelector('#records .rec', { timeout: 120_000 });
    const earlySearchMs = await page.evaluate<number>(SEARCH('example-42.com'));
    const searchMs = await page.evaluate<number>(SEARCH('ps-154321'));
    const shown = await page.locator('#shown').textContent();
    if (n > 54_321 && shown !== `1 of ${n} records`)
      throw new Error(`search found the wrong records: ${shown}`);
    return {
      records: n,
      sizeMb: Buffer.byteLength(html) / 1e6,
      renderMs,
      interactiveMs,
      filterMs,
      summaryFilterMs,
      firstSearchMs,
      earlySearchMs,
      searchMs,
    };
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function line(label: string, value: string, target: string, ok: boolean | undefined): string {
  const verdict = ok === undefined ? '' : ok ? 'met' : 'NOT MET';
  return `| ${label} | ${value} | ${target} | ${verdict} |`;
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run bash .ci/browser.sh`);
  const at = process.argv.indexOf('--n');
  const n = at >= 0 ? Number(process.argv[at + 1]) : 100_000;
  const f = await measure(n);
  const ms = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`;
  const table = [
    '| measure | value | target | |',
    '|---|---:|---:|---|',
    line('HTML size', `${f.sizeMb.toFixed(1)} MB`, `≤ ${TARGETS.sizeMb} MB`, f.sizeMb <= TARGETS.sizeMb),
    line('render (Node, renderHtml)', ms(f.renderMs), '', undefined),
    line(
      'open → first rows drawn',
      ms(f.interactiveMs),
      `≤ ${ms(TARGETS.interactiveMs)}`,
      f.interactiveMs <= TARGETS.interactiveMs,
    ),
    line(
      'filter click (action "link")',
      ms(f.filterMs),
      `≤ ${ms(TARGETS.filterMs)}`,
      f.filterMs <= TARGETS.filterMs,
    ),
    line(
      'summary click (field "company")',
      ms(f.summaryFilterMs),
      `≤ ${ms(TARGETS.filterMs)}`,
      f.summaryFilterMs <= TARGETS.filterMs,
    ),
    line(
      'first search (search text built after the first paint)',
      ms(f.firstSearchMs),
      `≤ ${ms(TARGETS.filterMs)}`,
      f.firstSearchMs <= TARGETS.filterMs,
    ),
    line('next search', ms(f.searchMs), `≤ ${ms(TARGETS.filterMs)}`, f.searchMs <= TARGETS.filterMs),
    line(
      'search typed as the rows appear (builds the rest first)',
      ms(f.earlySearchMs),
      `≤ ${ms(TARGETS.filterMs)}`,
      f.earlySearchMs <= TARGETS.filterMs,
    ),
  ].join('\n');
  const title = `HTML report, ${f.records.toLocaleString('en-US')}-record first-sync plan, headless Chromium`;
  console.log(`${title}\n\n${table}`);
  if (process.argv.includes('--write')) {
    const file = join(import.meta.dirname, 'RESULTS.md');
    const section = [
      `## ${title}`,
      '',
      `Generated by \`npm run bench:report -- --n ${n} --write\` (bench/report-size.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, one run on the shared 2-core machine (timings ±30 %). The plan: 80 % created in the CRM with six fields, 15 % linked with two fields updated, 4 % updated towards Propstreet, 1 % conflicts left for a person. Times are in the page (\`performance.now()\`) from the action to the next painted frame; "open" is from navigation to the first rows drawn, measured from Node.`,
      '',
      table,
    ].join('\n');
    writeFileSync(file, withReportSection(readFileSync(file, 'utf8'), section));
    console.log(`wrote the ${REPORT_SECTION} section of ${file}`);
  }
}

await main();
