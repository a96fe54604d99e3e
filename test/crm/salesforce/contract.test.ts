import { describeCrmAdapterContract } from '../../contract/crm-adapter.contract.js';
import { accountContractHarness, contractHarness } from './harness.js';

describeCrmAdapterContract('salesforce via jsforce against the fake', contractHarness, {
  email: 'Email',
  firstName: 'FirstName',
  lastName: 'LastName',
});

describeCrmAdapterContract('salesforce Account via jsforce against the fake', accountContractHarness, {
  firstName: 'Description',
  lastName: 'Name',
  // Account Name is Text(255): one character more fails the record alone.
  invalid: { field: 'Name', value: 'x'.repeat(256) },
  match: {
    field: 'Website',
    stored: (tag) => `https://www.${tag}.Example.com/about`,
    lookup: (tag) => `${tag}.example.COM`,
    absent: 'nowhere.example',
  },
});
