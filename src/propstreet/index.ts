export { createPropstreetClient } from './client.js';
export type * from './port.js';
export * from './schema.js';
