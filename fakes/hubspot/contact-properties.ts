/**
 * The contact property schema the fake knows: HubSpot's default contact properties that
 * matter to a sync, in the `contactinformation` group. Custom ones are created through the
 * properties API; writes to a name not in the schema fail with PROPERTY_DOESNT_EXIST, as they
 * do on HubSpot.
 */
import { optionsOf, type PropertyDefinition, standardProperty } from './property-definitions.js';

const std = standardProperty.bind(null, 'contactinformation');

/**
 * `hs_language` ("Preferred language"): HubSpot's own list of language and locale codes. A
 * portal has dozens; these are the ones the tests need, in HubSpot's style (lower-case
 * `en`, `en-us`, `pt-br`). The full list is not published as data, so this subset is a guess
 * in its extent, not in its form.
 */
const HS_LANGUAGE_OPTIONS = optionsOf([
  ['da', 'Danish'],
  ['de', 'German'],
  ['en', 'English'],
  ['en-gb', 'English - United Kingdom'],
  ['en-us', 'English - United States'],
  ['es', 'Spanish'],
  ['fr', 'French'],
  ['nl', 'Dutch'],
  ['no', 'Norwegian'],
  ['pt-br', 'Portuguese - Brazil'],
  ['sv', 'Swedish'],
]);

export function standardContactProperties(): PropertyDefinition[] {
  return [
    std('hs_object_id', 'Record ID', 'number', 'number', true),
    std('createdate', 'Create Date', 'datetime', 'date', true),
    std('lastmodifieddate', 'Last Modified Date', 'datetime', 'date', true),
    std('hs_merged_object_ids', 'Merged Record IDs', 'enumeration', 'checkbox', true),
    std('hs_additional_emails', 'Additional email addresses', 'enumeration', 'checkbox', true),
    std('email', 'Email', 'string', 'text'),
    std('firstname', 'First Name', 'string', 'text'),
    std('lastname', 'Last Name', 'string', 'text'),
    std('phone', 'Phone Number', 'string', 'phonenumber'),
    std('mobilephone', 'Mobile Phone Number', 'string', 'phonenumber'),
    std('jobtitle', 'Job Title', 'string', 'text'),
    std('company', 'Company Name', 'string', 'text'),
    std('website', 'Website URL', 'string', 'text'),
    std('city', 'City', 'string', 'text'),
    std('country', 'Country/Region', 'string', 'text'),
    std('hs_language', 'Preferred language', 'enumeration', 'select', false, HS_LANGUAGE_OPTIONS),
    std('lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio'),
  ];
}
