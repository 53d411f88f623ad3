import type { ServiceKeyring } from '@wrk/platform';
import { authenticator, withSessionCache } from './auth.ts';
import { requestGuard, type ClaimsOf } from './guard.ts';
import { postgresRateLimiters, rateLimitsFromEnv, type RateLimits } from './rateLimit.ts';
import { sessionCache, sessionCacheSettingsFromEnv, type SessionCacheSettings } from './sessionCache.ts';

export interface CallerAuthenticationOptions {
  /** identity's GraphQL URL: its JWKS and /internal/session answer next to it. */
  identityUrl: string;
  /** The gateway's keyring: it signs the session lookups. */
  keyring: ServiceKeyring;
  /** Where the rate limiter keeps its counters and identity notifies session changes. */
  databaseUrl: string;
  /** Overrides the session cache settings read from the environment (WRK_SESSION_CACHE_MAX, WRK_SESSION_CACHE_MS). */
  sessionCache?: Partial<SessionCacheSettings>;
  /** Overrides the rate limits read from the environment. */
  rateLimits?: Partial<RateLimits>;
}

export interface CallerAuthentication {
  claimsOf: ClaimsOf;
  close(): Promise<void>;
}

/**
 * Who calls, as every gateway in front of WRK's subgraphs must establish it — WRK's own and Hive Gateway with the
 * claims plugin alike: the bearer token checked against identity's keys, counted by the rate limiter, its session
 * looked up at identity (through the process's session cache).
 */
export function callerAuthentication(options: CallerAuthenticationOptions): CallerAuthentication {
  const rateLimiters = postgresRateLimiters(options.databaseUrl, { ...rateLimitsFromEnv(), ...options.rateLimits });
  const sessions = sessionCache(options.databaseUrl, { ...sessionCacheSettingsFromEnv(), ...options.sessionCache });
  return {
    claimsOf: requestGuard(withSessionCache(authenticator(options.identityUrl, options.keyring), sessions), rateLimiters),
    async close() {
      await rateLimiters.close();
      await sessions.close();
    },
  };
}
