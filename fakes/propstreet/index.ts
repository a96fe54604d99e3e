export type { FakeContact, SeedContact, ValidWrite } from './contact-types.js';
export type { GenerateOptions } from './generate.js';
export {
  PROPSTREET_FAKE_CLIENT,
  type PropstreetFake,
  type PropstreetFakeOptions,
  startPropstreetFake,
  USER_ORIGIN,
} from './server.js';
