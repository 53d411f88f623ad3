/** A fake of the Box API on loopback: a real HTTP server that box-node-sdk talks to unchanged (tests and the demo). */
export { startFakeBox, DEFAULT_APP, type FakeBox, type FakeBoxOptions, type Fault, type Delay, type LoggedRequest } from './server.ts';
export { BoxState, FakeBoxStateError, type StateOptions, type ItemInput, type CollaborationInput, type EventDisorder } from './state.ts';
export { TokenAuthority, makeJwtApp, JWT_AUDIENCE, type AppConfig, type Subject } from './auth.ts';
export {
  deliver,
  deliveryHeaders,
  signDelivery,
  WebhookSender,
  BOX_RETRY_DELAYS_MS,
  FILE_AND_FOLDER_TRIGGERS,
  FOLDER_ONLY_TRIGGERS,
  type DeliverOptions,
  type DeliveryResult,
  type SigningKeys,
  type SenderOptions,
  type SentDelivery,
} from './webhooks.ts';
export type * from './model.ts';
export { boxTime } from './repr.ts';
export { generateBoxTree, prng, type TreeOptions, type GeneratedTree } from './generate.ts';
