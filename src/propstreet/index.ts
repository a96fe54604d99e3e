export { createPropstreetClient, type PropstreetClient, type PropstreetClientOptions } from './client.js';
export {
  type ClientCredentials,
  clientCredentialsTokenSource,
  fetchClientCredentialsToken,
  type IssuedToken,
  issueClientCredentialsToken,
} from './client-credentials.js';
export type * from './port.js';
export * from './schema.js';
