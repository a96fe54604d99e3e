/**
 * What the adapter needs to know of the sObject it serves, so reads, writes, setup checks and
 * messages are one code path for Contact and Account.
 */
export type SObjectName = 'Contact' | 'Account';

export interface SObjectDescriptor {
  readonly name: SObjectName;
  /**
   * The field a save needs a value in (Contact `LastName`, Account `Name`): Salesforce answers
   * REQUIRED_FIELD_MISSING without it, so a blank one is refused here without a call.
   */
  readonly requiredField: string;
  /**
   * Fields holding a web address that `findByMatch` compares by host (website-match.ts), not by
   * SOQL equality: Account `Website`, which is how companies pair by domain.
   */
  readonly hostFields: readonly string[];
  /** What to do about DELETE_FAILED on this object, said once in the message. */
  readonly deleteFailedAdvice: string;
}

export const SOBJECTS: Readonly<Record<SObjectName, SObjectDescriptor>> = {
  Contact: {
    name: 'Contact',
    requiredField: 'LastName',
    hostFields: [],
    deleteFailedAdvice:
      'Salesforce keeps a contact that cases or a portal user depend on: detach them, or delete the contact in Salesforce',
  },
  Account: {
    name: 'Account',
    requiredField: 'Name',
    hostFields: ['Website'],
    deleteFailedAdvice:
      'Salesforce keeps an account with cases, activated contracts or portal users: detach them, or delete the account in Salesforce',
  },
};
