export {
  createSalesforceAdapter,
  SALESFORCE_LIMITS,
  type SalesforceAdapterOptions,
} from './salesforce-adapter.js';
export { proxyFor } from './salesforce-transport.js';
export { keyFieldInstructions } from './setup-check.js';
