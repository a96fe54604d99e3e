export { createHubSpotAdapter } from './hubspot-adapter.js';
export { createHubSpotAssociations } from './hubspot-associations.js';
