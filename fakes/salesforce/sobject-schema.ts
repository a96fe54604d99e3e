/**
 * The fields of one fake sObject, with the types, lengths and flags its save rules and its
 * describe answer need: the object's standard fields, its key field (the custom External ID
 * `Propstreet_Id__c`, absent in an org where it was never created) and other custom fields.
 */
export type FieldType =
  | 'id'
  | 'string'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'multipicklist'
  | 'textarea'
  | 'reference'
  | 'boolean'
  | 'date'
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
  /** A lookup's target object (describe `referenceTo`), checked on save. */
  readonly referenceTo?: string;
}

export function field(
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
    ...(flags.referenceTo ? { referenceTo: flags.referenceTo } : {}),
  };
}

/** The audit and bin fields every sObject has, in describe order after the object's own. */
export const SYSTEM_FIELDS: readonly FieldDef[] = [
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

export class SObjectSchema {
  readonly fields: readonly FieldDef[];
  private readonly byLower = new Map<string, FieldDef>();

  /**
   * @param objectName the sObject's API name (`Contact`, `Account`).
   * @param required the fields a save needs a value in (`LastName`, `Name`).
   * @param externalIdField the custom key field, or null for an org where it was never created.
   * @param others more custom fields (a key the connector must refuse, for instance).
   */
  constructor(
    readonly objectName: string,
    readonly keyPrefix: string,
    standard: readonly FieldDef[],
    readonly required: readonly string[],
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
    this.fields = [...standard, ...custom];
    for (const f of this.fields) this.byLower.set(f.name.toLowerCase(), f);
  }

  /** SOQL and the REST API resolve field names case-insensitively. */
  resolve(name: string): FieldDef | undefined {
    return this.byLower.get(name.toLowerCase());
  }
}
