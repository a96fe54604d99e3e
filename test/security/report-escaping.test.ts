/**
 * Reports escape data, end to end: contacts with markup, script, Markdown and terminal
 * escape sequences in their names, on all three sides, through `propsync plan/run --report`
 * (HTML, Markdown, JSON) and the terminal table. Unit tests of the renderers live in
 * test/report/; this checks that nothing on the way from the APIs to the files unescapes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../cli/run-cli.js';
import { HOSTILE_NAMES } from '../corpus/payloads.js';
import { childEnv, startWorld, type World } from '../reliability/support/world.js';

const NAMES = [
  ...HOSTILE_NAMES,
  { firstName: '"><img src=x onerror=alert(1)>', lastName: "'><svg onload=alert(2)>" },
  { firstName: '[click](javascript:alert(3))', lastName: '| col | ![img](http://x/y.png) `code`' },
];

let world: World;
const report = (name: string) => readFileSync(join(world.dir, name), 'utf8');
let terminal: CliResult;
const cli = (args: string[]) => runCli(args, { env: childEnv(world) });

beforeAll(async () => {
  world = await startWorld({ seed: 9 });
  world.sb.propstreet.seed(NAMES.map((n, i) => ({ ...n, email: `ps${i}@hostile.test` })));
  world.sb.hubspot!.control.seed(
    NAMES.slice(0, 3).map((n, i) => ({
      properties: { firstname: n.firstName, lastname: n.lastName, email: `hs${i}@hostile.test` },
    })),
  );
  terminal = await cli(['plan', world.configFile]);
  for (const ext of ['html', 'md', 'json'])
    await cli(['plan', world.configFile, '--report', join(world.dir, `plan.${ext}`)]);
  await cli(['run', world.configFile, '--report', join(world.dir, 'run.html')]);
  // Edits so the second plan has updates (before/after values) to show too.
  world.sb.propstreet.editAsUser(world.sb.propstreet.allContacts()[0]!.id, { lastName: '<b>bold</b>' });
  await cli(['plan', world.configFile, '--report', join(world.dir, 'plan2.html')]);
}, 180_000);
afterAll(async () => world?.close());

describe('reports escape what contacts are called', () => {
  const raw = [...NAMES.flatMap((n) => [n.firstName, n.lastName]), '<b>bold</b>'].filter((s) =>
    /[<>"']/.test(s),
  );

  // The HTML report carries its records as data: one JSON block the page's own script reads
  // and shows as text. Nothing from a contact may appear outside it, and inside it no `<` may
  // appear (so nothing can close the block); the block still holds the names, intact.
  const OPEN = '<script type="application/json" id="report-data">';
  it.each([
    ['plan.html', '<script>alert(1)</script>'],
    ['run.html', '<script>alert(1)</script>'],
    ['plan2.html', '<b>bold</b>'],
  ])('%s: data only inside the JSON block, never as markup; only the report’s own script', (f, name) => {
    const html = report(f);
    const start = html.indexOf(OPEN);
    expect(start).toBeGreaterThan(0);
    const end = html.indexOf('</script>', start);
    const block = html.slice(start + OPEN.length, end);
    const rest = html.slice(0, start) + html.slice(end);
    expect(block).not.toContain('<');
    expect(block).toContain(name.replace(/</g, '\\u003c'));
    expect(JSON.stringify(JSON.parse(block))).toContain(JSON.stringify(name).slice(1, -1));
    for (const s of raw) expect(rest, s).not.toContain(s);
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(rest.match(/<script>/gi)).toHaveLength(1);
    expect(html).not.toMatch(/<(img|svg|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/href=["']?javascript:/i);
  });

  it('Markdown: no raw HTML, links, images or table breaks from data', () => {
    const md = report('plan.md');
    expect(md).toContain('&lt;script&gt;');
    expect(md).not.toMatch(/<(script|img|svg)\b/i);
    expect(md).not.toMatch(/(?<!\\)\]\(javascript:/);
    expect(md).not.toContain('![img](');
    // Every table row keeps its table's column count: a `|` from data is escaped.
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    const tables: string[][] = [];
    let previous = '';
    for (const line of md.split('\n')) {
      if (line.startsWith('|')) {
        if (!previous.startsWith('|')) tables.push([]);
        tables.at(-1)!.push(line);
      }
      previous = line;
    }
    expect(tables.length).toBeGreaterThan(1);
    for (const [header, ...rows] of tables)
      for (const r of rows) expect(cells(r), `row breaks its table: ${r}`).toBe(cells(header!));
  });

  it('JSON: valid, and the names come back exactly as the APIs gave them', () => {
    const json = report('plan.json');
    const text = JSON.stringify(JSON.parse(json));
    for (const n of NAMES.slice(0, 2)) expect(text).toContain(JSON.stringify(n.firstName).slice(1, -1));
  });

  it('terminal: no control characters from data reach the screen', () => {
    expect(terminal.stdout).toContain('Control\\x07Chars\\x1b[31m');
    const control = [...terminal.stdout].filter((c) => {
      const code = c.charCodeAt(0);
      return (code < 0x20 && c !== '\n' && c !== '\t') || code === 0x7f;
    });
    expect(control).toEqual([]);
  });
});
