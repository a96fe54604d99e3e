/** What a company needs to be created in Propstreet: a name (the Company model requires one). */
import type { CanonicalValues } from '../../state/port.js';

export function companyCreateProblem(values: CanonicalValues): string | undefined {
  return values.name ? undefined : 'Propstreet needs a name for a company';
}
