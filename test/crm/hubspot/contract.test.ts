import { describeCrmAdapterContract } from '../../contract/crm-adapter.contract.js';
import { contractHarness } from './hubspot-harness.js';

describeCrmAdapterContract('hubspot via @hubspot/api-client against the fake', contractHarness, {
  email: 'email',
  firstName: 'firstname',
  lastName: 'lastname',
});
