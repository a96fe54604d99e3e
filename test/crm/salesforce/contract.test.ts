import { describeCrmAdapterContract } from '../../contract/crm-adapter.contract.js';
import { contractHarness } from './harness.js';

describeCrmAdapterContract('salesforce via jsforce against the fake', contractHarness, {
  email: 'Email',
  firstName: 'FirstName',
  lastName: 'LastName',
});
