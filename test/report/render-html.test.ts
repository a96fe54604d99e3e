import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { esc, renderHtml } from '../../src/report/render-html.js';
import { aRecord, aResult, sampleReport } from './builders.js';

describe('esc()', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('renderHtml', () => {
  const html = renderHtml(sampleReport());

  it('is one self-contained file: inline style and script, nothing loaded from elsewhere', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script>\n(function () {');
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/<[a-z]+[^>]*\s(src|href)=/i);
  });

  it('its CSP allows exactly the inline script and style, by hash', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/
      .exec(html)?.[1]
      ?.replace(/&#39;/g, "'");
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
  });

  it('escapes hostile data in text and attributes', () => {
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).toContain('&lt;script&gt;window.__pwned = true&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=true&quot;&gt;');
    const evil = renderHtml({
      ...sampleReport(),
      connections: [{ result: aResult({ connection: 'x" onmouseover="alert(1)' }), records: [aRecord()] }],
    });
    expect(evil).toContain('data-connection="x&quot; onmouseover=&quot;alert(1)"');
    expect(evil).not.toContain('onmouseover="alert');
  });

  it('one row per record but noops, tagged for the filters', () => {
    expect(html.match(/<tr class="rec"/g)).toHaveLength(9);
    expect(html).not.toContain('Quiet Person');
    expect(html).toContain('<tr class="rec" data-tags="update conflict" data-connection="hubspot">');
    expect(html).toContain('<tr class="rec" data-tags="delete-in-crm guarded" data-connection="hubspot">');
    expect(html).toContain('<tr class="rec" data-tags="invalid problem" data-connection="hubspot">');
    expect(html).toContain('<tr class="rec" data-tags="update" data-connection="sales">');
  });

  it('has a filter box and buttons for the actions present and each connection', () => {
    expect(html).toContain('<input id="filter" type="search"');
    const buttons = [...html.matchAll(/data-group="(\w+)" data-value="([^"]+)"/g)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    expect(buttons).toEqual([
      'tag:all',
      'tag:create-in-crm',
      'tag:create-in-propstreet',
      'tag:update',
      'tag:link',
      'tag:delete-in-crm',
      'tag:skip',
      'tag:invalid',
      'tag:conflict',
      'tag:guarded',
      'tag:problem',
      'connection:all',
      'connection:hubspot',
      'connection:sales',
    ]);
  });

  it('shows counts, calls, field tables, conflicts with the chosen side, failures', () => {
    expect(html).toContain('<h2>hubspot → HubSpot · <span class="status-ok">ok</span></h2>');
    expect(html).toContain(
      '<tr><td>create</td><td class="n">1</td><td class="n">1</td><td class="n">2</td></tr>',
    );
    expect(html).toContain('<b>HubSpot</b> 2 call(s)');
    expect(html).toContain(
      '<tr><td>email</td><td><span class="before">jane@old.example</span></td><td><span class="after">jane@new.example</span></td></tr>',
    );
    expect(html).toContain('<td><span class="empty">empty</span></td>');
    expect(html).toContain(
      '<tr><td>jobTitle</td><td><span class="">CEO</span></td><td><span class="after">Chief</span></td><td><span class="muted">Boss</span></td><td>newest-wins</td><td>HubSpot</td></tr>',
    );
    expect(html).toContain('<li>LastName missing</li>');
    expect(html).toContain('INVALID_EMAIL_ADDRESS <span class="badge a-invalid">quarantined</span>');
  });
});
