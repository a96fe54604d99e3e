export { createPropstreetClient, type PropstreetClient, type PropstreetClientOptions } from './client.js';
export type {
  ClientCredentials,
  IssuedToken,
} from './client-credentials.js';
export type * from './port.js';
export * from './schema.js';
