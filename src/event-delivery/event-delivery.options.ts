import { TokenStoreExposurePolicy } from '../credentials/token-store-exposure-policy';
import { ResolvedEventWebhook } from './event-webhook.options';

export interface EventDeliveryOptions {
  /** The receiver; undefined = nothing is delivered. */
  webhook?: ResolvedEventWebhook;
  /** `accept` lets events go out signed from a store other users can write (the operator vouched for it). */
  exposurePolicy: TokenStoreExposurePolicy;
}
