/**
 * The Contact fields the fake knows, with the types, lengths and flags that its rules and its
 * describe answer need. Lengths follow Salesforce's standard Contact (LastName 80, FirstName 40…).
 */
export type FieldType =
  | 'id'
  | 'string'
  | 'email'
  | 'phone'
  | 'textarea'
  | 'reference'
  | 'boolean'
  | 'datetime';

export interface FieldDef {
  readonly name: string;
  readonly label: string;
  readonly type: FieldType;
  readonly length: number;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly nillable: boolean;
  readonly externalId: boolean;
  readonly unique: boolean;
  readonly caseSensitive: boolean;
}

function field(
  name: string,
  label: string,
  type: FieldType,
  length = 0,
  flags: Partial<Omit<FieldDef, 'name' | 'label' | 'type' | 'length'>> = {},
): FieldDef {
  const writable = !['id', 'boolean', 'datetime'].includes(type);
  return {
    name,
    label,
    type,
    length,
    createable: flags.createable ?? writable,
    updateable: flags.updateable ?? writable,
    nillable: flags.nillable ?? true,
    externalId: flags.externalId ?? false,
    unique: flags.unique ?? false,
    caseSensitive: flags.caseSensitive ?? false,
  };
}

const STANDARD: readonly FieldDef[] = [
  field('Id', 'Contact ID', 'id', 18, { nillable: false }),
  field('IsDeleted', 'Deleted', 'boolean', 0, { nillable: false }),
  field('MasterRecordId', 'Master Record ID', 'reference', 18, { createable: false, updateable: false }),
  field('AccountId', 'Account ID', 'reference', 18),
  field('LastName', 'Last Name', 'string', 80, { nillable: false }),
  field('FirstName', 'First Name', 'string', 40),
  field('Salutation', 'Salutation', 'string', 40),
  field('Name', 'Full Name', 'string', 121, { createable: false, updateable: false, nillable: false }),
  field('Email', 'Email', 'email', 80),
  field('Phone', 'Business Phone', 'phone', 40),
  field('MobilePhone', 'Mobile Phone', 'phone', 40),
  field('Title', 'Title', 'string', 128),
  field('Department', 'Department', 'string', 80),
  field('MailingStreet', 'Mailing Street', 'textarea', 255),
  field('MailingCity', 'Mailing City', 'string', 40),
  field('MailingState', 'Mailing State/Province', 'string', 80),
  field('MailingPostalCode', 'Mailing Zip/Postal Code', 'string', 20),
  field('MailingCountry', 'Mailing Country', 'string', 80),
  field('Description', 'Contact Description', 'textarea', 32000),
  field('OwnerId', 'Owner ID', 'reference', 18, { createable: false, updateable: false }),
  field('CreatedDate', 'Created Date', 'datetime', 0, { nillable: false }),
  field('CreatedById', 'Created By ID', 'reference', 18, { createable: false, updateable: false }),
  field('LastModifiedDate', 'Last Modified Date', 'datetime', 0, { nillable: false }),
  field('LastModifiedById', 'Last Modified By ID', 'reference', 18, { createable: false, updateable: false }),
  field('SystemModstamp', 'System Modstamp', 'datetime', 0, { nillable: false }),
];

/** A custom field besides the key (name ends in `__c`); Text(255), neither unique nor external id by default. */
export interface CustomFieldOptions {
  readonly name: string;
  readonly type?: FieldType;
  readonly length?: number;
  readonly externalId?: boolean;
  readonly unique?: boolean;
}

export class ContactSchema {
  readonly fields: readonly FieldDef[];
  private readonly byLower = new Map<string, FieldDef>();

  /**
   * @param externalIdField the custom key field, or null for an org where it was never created.
   * @param others more custom fields (a key the connector must refuse, for instance).
   */
  constructor(
    readonly externalIdField: string | null,
    others: readonly CustomFieldOptions[] = [],
  ) {
    const custom: FieldDef[] = externalIdField
      ? [field(externalIdField, 'Propstreet Id', 'string', 255, { externalId: true, unique: true })]
      : [];
    for (const o of others)
      custom.push(
        field(o.name, o.name.replace(/__c$/, '').replace(/_/g, ' '), o.type ?? 'string', o.length ?? 255, {
          externalId: o.externalId ?? false,
          unique: o.unique ?? false,
        }),
      );
    this.fields = [...STANDARD, ...custom];
    for (const f of this.fields) this.byLower.set(f.name.toLowerCase(), f);
  }

  /** SOQL and the REST API resolve field names case-insensitively. */
  resolve(name: string): FieldDef | undefined {
    return this.byLower.get(name.toLowerCase());
  }
}
