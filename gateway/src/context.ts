import type { Claims } from '@wrk/platform';

export interface GatewayContext {
  claims: Claims;
}
