/** What a contact needs to be created in Propstreet: at least one of name, email or phone. */
import type { CanonicalValues } from '../../state/port.js';

export function contactCreateProblem(values: CanonicalValues): string | undefined {
  if (values.firstName || values.lastName || values.email || values.phone) return undefined;
  return 'Propstreet needs at least one of name, email or phone';
}
