/** The properties API of an object: list, get by name (200/404), create (201/409/403). */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { badRequest, errorResponse } from './fake-errors.js';
import type { ObjectStore } from './object-store.js';
import type { PropertyDefinition, PropertyOption, PropertyType } from './property-definitions.js';
import { isRecord } from './wire.js';

const TYPES = new Set<PropertyType>(['string', 'number', 'datetime', 'date', 'enumeration', 'bool']);

function wire(def: PropertyDefinition): Record<string, unknown> {
  return {
    name: def.name,
    label: def.label,
    type: def.type,
    fieldType: def.fieldType,
    groupName: def.groupName,
    hasUniqueValue: def.hasUniqueValue,
    hubspotDefined: def.hubspotDefined,
    modificationMetadata: {
      archivable: !def.hubspotDefined,
      readOnlyDefinition: def.hubspotDefined,
      readOnlyValue: def.readOnly,
    },
    formField: true,
    displayOrder: -1,
    description: '',
    options: def.options,
    hidden: false,
    calculated: def.calculated === true,
    externalOptions: false,
    archived: false,
    createdAt: def.createdAt,
    updatedAt: def.createdAt,
  };
}

export function listProperties(store: ObjectStore): FakeResponse {
  return { status: 200, body: { results: store.allProperties().map(wire) } };
}

export function getProperty(store: ObjectStore, name: string): FakeResponse {
  const def = store.property(name);
  if (!def) return errorResponse(404, 'OBJECT_NOT_FOUND', `Unable to find property ${name}`);
  return { status: 200, body: wire(def) };
}

export function createProperty(store: ObjectStore, req: FakeRequest): FakeResponse {
  const b = req.body;
  if (!isRecord(b)) return badRequest('Invalid property definition');
  const missing = ['name', 'label', 'type', 'fieldType', 'groupName'].filter((k) => typeof b[k] !== 'string');
  if (missing.length > 0)
    return badRequest(
      `Invalid input JSON: missing ${missing.join(', ')}`,
      missing.map((m) => ({ message: `${m} is required`, in: m })),
    );
  const name = String(b.name);
  if (!/^[a-z][a-z0-9_]*$/.test(name)) return badRequest(`Property name ${name} is invalid`);
  if (!TYPES.has(b.type as PropertyType)) return badRequest(`Unknown property type ${String(b.type)}`);
  if (store.property(name))
    return errorResponse(409, 'OBJECT_ALREADY_EXISTS', `A property named '${name}' already exists.`);
  const def: PropertyDefinition = {
    name,
    label: String(b.label),
    type: b.type as PropertyType,
    fieldType: String(b.fieldType),
    groupName: String(b.groupName),
    hasUniqueValue: b.hasUniqueValue === true,
    readOnly: false,
    hubspotDefined: false,
    createdAt: new Date().toISOString(),
    options: Array.isArray(b.options) ? b.options.filter(isOption) : [],
  };
  store.defineProperty(def);
  return { status: 201, body: wire(def) };
}

function isOption(o: unknown): o is PropertyOption {
  return isRecord(o) && typeof o.value === 'string' && typeof o.label === 'string';
}
