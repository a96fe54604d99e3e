export {
  createSalesforceAdapter,
  type SalesforceAdapterOptions,
} from './salesforce-adapter.js';
export { proxyFor } from './salesforce-transport.js';
