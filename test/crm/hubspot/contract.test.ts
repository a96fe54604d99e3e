import { describeCrmAdapterContract } from '../../contract/crm-adapter.contract.js';
import { companiesContractHarness, contractHarness } from './hubspot-harness.js';

describeCrmAdapterContract('hubspot via @hubspot/api-client against the fake', contractHarness, {
  email: 'email',
  firstName: 'firstname',
  lastName: 'lastname',
});

describeCrmAdapterContract(
  'hubspot companies via @hubspot/api-client against the fake',
  companiesContractHarness,
  {
    firstName: 'city',
    lastName: 'name',
    // `industry` takes only HubSpot's own codes (COMPUTER_SOFTWARE, REAL_ESTATE…).
    invalid: { field: 'industry', value: 'Not an industry' },
    match: {
      field: 'domain',
      stored: (tag) => `${tag}.Contract.example.com`,
      lookup: (tag) => `${tag}.contract.EXAMPLE.com`,
      absent: 'nowhere.example.com',
    },
  },
);
