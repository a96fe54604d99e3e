// biome-ignore-all lint/suspicious/noTemplateCurlyInString: tenant files hold ${VAR} references
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a tenant file `<dir>/<name>.yaml` whose APIs are never reached (nothing listens on
 * port 9), with its secrets in `${PROPSYNC_ACME_TOKEN}` and `state:` as given; returns its path.
 */
export function writeUnreachableTenant(dir: string, name: string, state: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'tenant: acme',
      'propstreet:',
      '  baseUrl: http://127.0.0.1:9',
      '  token: ${PROPSYNC_ACME_TOKEN}',
      'connections:',
      '  - name: hubspot',
      '    type: hubspot',
      '    baseUrl: http://127.0.0.1:9',
      '    accessToken: ${PROPSYNC_ACME_TOKEN}',
      `state: ${state}`,
      '',
    ].join('\n'),
  );
  return file;
}
