export type { FakeContact, SeedContact, ValidWrite } from './contact-types.js';
export { type GenerateOptions, generateContacts } from './generate.js';
export {
  PROPSTREET_FAKE_CLIENT,
  PROPSTREET_FAKE_TOKEN,
  type PropstreetFake,
  type PropstreetFakeOptions,
  startPropstreetFake,
  USER_ORIGIN,
} from './server.js';
