export { createHubSpotAdapter } from './hubspot-adapter.js';
