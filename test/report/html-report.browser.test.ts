/**
 * The HTML report in a real browser: it renders, hostile data stays text (no script runs),
 * the virtual list draws the records, the filter box and buttons (actions, connections,
 * summaries) narrow them, a click shows a record's changes and resolve command, and a record
 * renamed in the CRM shows both names. Needs /usr/bin/chromium
 * (.ci/browser.sh installs it); skipped, saying so, when it is absent.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { writeReport } from '../../src/report/write-report.js';
import { aRecord, aResult, HOSTILE_SCRIPT, sampleReport } from './builders.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

/** The sample, plus a no-op holding a conflict left for a person (it shows a resolve command). */
function reportWithOpenConflict() {
  const base = sampleReport();
  const open = aRecord({
    label: 'Open Conflict',
    propstreetId: 'ps-7',
    action: 'noop',
    reason: 'unchanged',
    conflicts: [
      {
        field: 'email',
        propstreet: 'a@x.example',
        crm: 'b@x.example',
        shadow: null,
        policy: 'manual',
        winner: 'none',
      },
    ],
  });
  const [first, ...rest] = base.connections;
  return {
    ...base,
    connections: [
      { result: first?.result ?? aResult(), records: [...(first?.records ?? []), open] },
      ...rest,
    ],
  };
}

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`html-report browser test skipped: ${CHROMIUM} not found (run .ci/browser.sh)`);

describe('HTML report in Chromium', () => {
  let dir = '';
  let context: BrowserContext | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    dir = await mkdtemp(join(tmpdir(), 'propsync-report-'));
    await writeReport(reportWithOpenConflict(), join(dir, 'report.html'), { redactor });
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href);
  });

  afterAll(async () => {
    await context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // Page functions are strings: this project's tsconfig has no DOM types.
  const visibleLabels = () =>
    page.evaluate<string[]>(
      `Array.from(document.querySelectorAll('#records .rec'))
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((r) => r.querySelector('.label').textContent)`,
    );

  it.skipIf(!hasChromium)('renders: a full-page screenshot is a real PNG', async () => {
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = await readFile(shot);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.readUInt32BE(16)).toBe(1280); // IHDR width
    expect(png.readUInt32BE(20)).toBeGreaterThan(900); // full page is taller than the viewport
    expect(png.length).toBeGreaterThan(30_000);
  });

  it.skipIf(!hasChromium)('hostile data stays text: no script ran, no element was injected', async () => {
    const probe = await page.evaluate(`({
      pwned: window.__pwned,
      scripts: document.scripts.length,
      images: document.images.length,
      hostileText: Array.from(document.querySelectorAll('#records .label'))
        .some((e) => e.textContent === ${JSON.stringify(HOSTILE_SCRIPT)}),
    })`);
    // Two scripts: ours and the JSON data block (which never runs).
    expect(probe).toEqual({ pwned: undefined, scripts: 2, images: 0, hostileText: true });
    expect(dialogs).toEqual([]);
    // Our own style and script passed the page's CSP (a hash mismatch would log an error).
    expect(consoleErrors).toEqual([]);
    expect(await page.locator('#shown').textContent()).toBe('10 of 10 records');
  });

  it.skipIf(!hasChromium)('typing in the filter hides non-matching rows', async () => {
    await page.fill('#filter', 'jane@new');
    expect(await visibleLabels()).toEqual(['Jane Doe']);
    await page.fill('#filter', 'ps-1 ⇄ salesforce');
    expect(await visibleLabels()).toEqual(['Sam Sales']);
    await page.fill('#filter', 'no such contact');
    expect(await visibleLabels()).toEqual([]);
    expect(await page.locator('#shown').textContent()).toBe('0 of 10 records');
    await page.fill('#filter', '');
    expect(await visibleLabels()).toHaveLength(10);
  });

  it.skipIf(!hasChromium)('action and connection buttons filter, combined with the text', async () => {
    await page.click('button[data-group="tag"][data-value="delete-in-crm"]');
    expect(await visibleLabels()).toEqual(['Gone Person']);
    await page.click('button[data-group="tag"][data-value="update"]');
    expect(await visibleLabels()).toEqual(['Jane Doe', HOSTILE_SCRIPT, 'Sam Sales']);
    await page.click('button[data-group="connection"][data-value="sales · contacts"]');
    expect(await visibleLabels()).toEqual(['Sam Sales']);
    await page.click('button[data-group="tag"][data-value="all"]');
    await page.click('button[data-group="connection"][data-value="hubspot · contacts"]');
    await page.fill('#filter', 'guard');
    expect(await visibleLabels()).toEqual(['Gone Person']);
    expect(
      await page.getAttribute(
        'button[data-group="connection"][data-value="hubspot · contacts"]',
        'aria-pressed',
      ),
    ).toBe('true');
    await page.click('button[data-group="tag"][data-value="conflict"]');
    await page.fill('#filter', '');
    expect(await visibleLabels()).toEqual(['Jane Doe', 'Open Conflict']);
    await page.click('button[data-group="tag"][data-value="all"]');
    await page.click('button[data-group="connection"][data-value="all"]');
  });

  it.skipIf(!hasChromium)('summary entries drill down to their records; a second click lets go', async () => {
    await page.click('button[data-group="field"][data-value="phone"]');
    expect(await visibleLabels()).toEqual(['Jane Doe']);
    await page.click('button[data-group="field"][data-value="phone"]');
    expect(await visibleLabels()).toHaveLength(10);
    await page.click('button[data-group="reason"][data-value="new in HubSpot"]');
    expect(await visibleLabels()).toEqual(['Crm Only']);
    await page.click('button[data-group="reason"][data-value="all"]');
    expect(await visibleLabels()).toHaveLength(10);
  });

  it.skipIf(!hasChromium)(
    'a click on a record shows its changes, conflicts and resolve command',
    async () => {
      await page.fill('#filter', 'jane@new');
      await page.click('#records .rec');
      const detail = page.locator('#detail');
      expect(await detail.isVisible()).toBe(true);
      const text = (await detail.textContent()) ?? '';
      expect(text).toContain('emailjane@old.examplejane@new.example');
      expect(text).toContain('phoneempty+46701234567');
      expect(text).toContain('jobTitleCEOChiefBossnewest-winsHubSpot');
      await page.fill('#filter', 'open conflict');
      await page.click('#records .rec');
      expect(await page.locator('#conflict-ps-7\\:email code').first().textContent()).toBe(
        'propsync resolve <config> ps-7:email -c hubspot -k contacts --take propstreet',
      );
      await page.fill('#filter', '');
    },
  );

  it.skipIf(!hasChromium)('draws only the rows in view of a long list, and the rest on scroll', async () => {
    const records = Array.from({ length: 5000 }, (_, i) =>
      aRecord({ label: `Person ${i}`, propstreetId: `ps-${i}` }),
    );
    const big = { ...sampleReport(), connections: [{ result: aResult(), records }] };
    await writeReport(big, join(dir, 'big.html'), { redactor });
    await page.goto(pathToFileURL(join(dir, 'big.html')).href);
    expect(await page.locator('#shown').textContent()).toBe('5000 of 5000 records');
    const drawn = await page.locator('#records .rec').count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(100);
    await page.evaluate(`document.getElementById('records').scrollTop = 44 * 4000`);
    await page.waitForFunction(
      `Array.from(document.querySelectorAll('#records .label')).some((e) => e.textContent === 'Person 4000')`,
    );
    expect(await page.locator('#records .rec').count()).toBeLessThan(100);
  });

  it.skipIf(!hasChromium)('a record renamed in the CRM shows and is found by both names', async () => {
    const records = [
      aRecord({ label: 'Ada Lovelace', crmLabel: 'Augusta King' }),
      aRecord({ label: 'Grace Hopper', propstreetId: 'ps-2' }),
    ];
    await writeReport(
      { ...sampleReport(), connections: [{ result: aResult(), records }] },
      join(dir, 'names.html'),
      { redactor },
    );
    await page.goto(pathToFileURL(join(dir, 'names.html')).href);
    await page.fill('#filter', 'augusta');
    expect(await visibleLabels()).toEqual(['Ada Lovelace']);
    expect(await page.locator('#records .rec .ids').first().textContent()).toBe(
      'Propstreet ps-1 ⇄ HubSpot 101 · in HubSpot: Augusta King',
    );
    await page.click('#records .rec');
    expect(await page.locator('#detail h3').textContent()).toBe('Ada Lovelace (in HubSpot: Augusta King)');
  });
});
