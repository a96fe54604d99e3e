import { it } from 'vitest';
import { startE2E } from './e2e/support.js';

it('quiet links run calls', async () => {
  const e = await startE2E(
    { salesforce: false },
    { tenant: 'acme', connections: ['hubspot'], connection: { objects: ['companies', 'contacts', 'links'] } },
  );
  e.sb.propstreet.setRateLimit(600000);
  e.sb.propstreet.generate(50, { companies: 10 });
  for (let i = 0; i < 4; i++) {
    const ps0 = e.sb.propstreet.http.requests.length;
    const hs0 = e.sb.hubspot!.control.apiRequests().length;
    await e.run();
    const ps = e.sb.propstreet.http.requests
      .slice(ps0)
      .map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{8,}/g, ':id')}`);
    const hs = e.sb
      .hubspot!.control.apiRequests()
      .slice(hs0)
      .map((r) => `${r.method} ${r.path}`);
    const count = (a: string[]) =>
      Object.entries(a.reduce((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {} as Record<string, number>));
    console.log(
      `RUN ${i}: propstreet ${ps.length}`,
      JSON.stringify(count(ps)),
      `hubspot ${hs.length}`,
      JSON.stringify(count(hs)),
    );
  }
  await e.close();
}, 120000);
