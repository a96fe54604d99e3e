/** A company's display name in reports: its name, else its domain (the engine falls back to its id). */
import type { Company } from '../../propstreet/company-schema.js';
import type { CanonicalValues } from '../../state/port.js';

export function labelOfCompany(company: Company): string | undefined {
  return company.name.trim() || company.domain || undefined;
}

/** From canonical values (a CRM record's, mapped). */
export function labelOfCompanyValues(values: CanonicalValues): string | undefined {
  return values.name || values.domain || undefined;
}
