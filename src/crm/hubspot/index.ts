export { createHubSpotAdapter, type HubSpotAdapterOptions, type HubSpotLimits } from './hubspot-adapter.js';
