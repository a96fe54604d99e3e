/**
 * Fits a run's mapper to the CRM's fixed options (HubSpot enumerations such as `hs_language`),
 * read once at the start of the run, inside it like every other CRM call. When they cannot be
 * read, values go unchecked: the CRM then refuses a value outside its options for that record
 * alone, and a failure that is not about options (auth, an outage) meets the run's own reads.
 */
import type { Logger } from '../core/logger.js';
import type { CrmObjects } from '../engine/ports.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import type { PropstreetRecord } from '../engine/records.js';

export async function fitMapperToCrm<R extends PropstreetRecord, W>(
  crm: Pick<CrmObjects, 'allowedValues'>,
  mapper: RecordMapper<R, W>,
  log: Logger,
  crmKind: string,
): Promise<RecordMapper<R, W>> {
  if (!crm.allowedValues || !mapper.withAllowedValues) return mapper;
  try {
    return mapper.withAllowedValues(await crm.allowedValues());
  } catch (e) {
    log.warn(
      { crm: crmKind, err: e instanceof Error ? e.message : String(e) },
      'could not read the CRM property options; values are sent unchecked',
    );
    return mapper;
  }
}
