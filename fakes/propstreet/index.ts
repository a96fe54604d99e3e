export { BATCH_UPSERT_PATH } from './contacts-batch.js';
export {
  PROPSTREET_FAKE_CLIENT,
  type PropstreetFake,
  startPropstreetFake,
  USER_ORIGIN,
} from './server.js';
