/**
 * The HTML report's "who works where" section in a real browser: hostile contact and company
 * names stay text (no script runs, no element is injected), and the held removal shows its
 * badge. Needs /usr/bin/chromium (.ci/browser.sh installs it); skipped, saying so, when absent.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { writeReport } from '../../src/report/write-report.js';
import { HOSTILE_SCRIPT, linksOf, sampleReport } from './builders.js';

const redactor = new Redactor();

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`html links browser test skipped: ${CHROMIUM} not found (run .ci/browser.sh)`);

describe('HTML report links section in Chromium', () => {
  let dir = '';
  let context: BrowserContext | undefined;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    dir = await mkdtemp(join(tmpdir(), 'propsync-links-html-'));
    await writeReport({ ...sampleReport(), links: linksOf() }, join(dir, 'report.html'), { redactor });
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href);
  });

  afterAll(async () => {
    await context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasChromium)('hostile names stay text; the held row has its badge', async () => {
    // Page functions are strings: this project's tsconfig has no DOM types.
    const probe = await page.evaluate(`({
      pwned: window.__pwned,
      images: document.images.length,
      sections: document.querySelectorAll('section.links').length,
      hostileText: Array.from(document.querySelectorAll('section.links td'))
        .some((e) => e.textContent === ${JSON.stringify(HOSTILE_SCRIPT)}),
      held: Array.from(document.querySelectorAll('section.links .badge.guarded')).map((e) => e.textContent),
    })`);
    expect(probe).toEqual({ pwned: undefined, images: 0, sections: 1, hostileText: true, held: ['held'] });
    expect(consoleErrors).toEqual([]);
  });
});
