import { describe, expect, it } from 'vitest';
import {
  markedSection,
  reportSection,
  WEBHOOKS_SECTION,
  withMarkedSection,
  withReportSection,
} from '../../bench/report-section.js';

describe('the HTML report section of bench/RESULTS.md', () => {
  it('is appended once, then replaced in place, and found again for `npm run bench` to keep', () => {
    const first = withReportSection('# results\n\n| a |\n', '## report\n\n| 1 |');
    expect(first).toBe(
      '# results\n\n| a |\n\n<!-- report-size: begin -->\n## report\n\n| 1 |\n<!-- report-size: end -->\n',
    );
    const second = withReportSection(first, '## report\n\n| $& 2 |');
    expect(second).toContain('| $& 2 |');
    expect(second).not.toContain('| 1 |');
    expect(second.match(/report-size: begin/g)).toHaveLength(1);
    expect(reportSection(second)).toBe(
      '<!-- report-size: begin -->\n## report\n\n| $& 2 |\n<!-- report-size: end -->',
    );
    expect(reportSection('# results\n')).toBe('');
  });

  it('keeps named sections apart: the webhook latencies and the HTML report', () => {
    const both = withMarkedSection(withReportSection('# results\n', 'report'), WEBHOOKS_SECTION, 'latency');
    expect(markedSection(both, WEBHOOKS_SECTION)).toBe(
      '<!-- webhooks-latency: begin -->\nlatency\n<!-- webhooks-latency: end -->',
    );
    expect(reportSection(both)).toContain('report');
    expect(markedSection(withMarkedSection(both, WEBHOOKS_SECTION, 'again'), WEBHOOKS_SECTION)).toContain(
      'again',
    );
  });
});
