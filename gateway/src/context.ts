import type { Claims } from '@wrk/platform';

export interface GatewayContext {
  claims: Claims;
  /** The signed claims header, made once per request and sent with each of its subgraph fetches. */
  signedClaims?: Promise<string>;
}
