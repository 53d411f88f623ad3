import pg from 'pg';
import { logThrottled, numberFromEnv, postgresTimeouts, watchPool } from '@wrk/platform';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Requests allowed per window. Authenticated requests count against their token; requests without a valid token
 * (none, malformed, expired, revoked, forged) count against the caller's address. So many clients behind one address
 * (an office NAT, the test suites on 127.0.0.1) are limited each by their own token, while an address sending
 * requests that fail authentication is cut off.
 */
export interface RateLimits {
  perToken: number;
  tokenWindowSeconds: number;
  perAddress: number;
  addressWindowSeconds: number;
}

export function rateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimits {
  return {
    perToken: numberFromEnv(env, 'WRK_RATE_LIMIT_TOKEN', 1200),
    tokenWindowSeconds: numberFromEnv(env, 'WRK_RATE_LIMIT_TOKEN_WINDOW', 60),
    perAddress: numberFromEnv(env, 'WRK_RATE_LIMIT_ADDRESS', 600),
    addressWindowSeconds: numberFromEnv(env, 'WRK_RATE_LIMIT_ADDRESS_WINDOW', 600),
  };
}

export interface RateLimiter {
  /** Counts one request for the key; the seconds to wait when it is over the limit, else undefined. */
  consume(key: string): Promise<number | undefined>;
  /** Whether the key is over its limit already, without counting: the seconds to wait, else undefined. */
  blocked(key: string): Promise<number | undefined>;
}

export interface GatewayRateLimiters {
  token: RateLimiter;
  address: RateLimiter;
  close(): Promise<void>;
}

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

function wrap(limiter: RateLimiterAbstract, points: number): RateLimiter {
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return undefined;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return retryAfter(rejection);
        throw rejection;
      }
    },
    async blocked(key) {
      const res = await limiter.get(key);
      return res && res.consumedPoints >= points ? retryAfter(res) : undefined;
    },
  };
}

/**
 * Counters in Postgres (`platform.rate_limits`, created by the migrations), so that every gateway process shares
 * them. Should the database fail, each process falls back to counting in memory rather than refusing everyone.
 */
export function postgresRateLimiters(databaseUrl: string, limits: RateLimits): GatewayRateLimiters {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, ...postgresTimeouts() });
  watchPool('gateway-rate-limits', pool);
  // An idle connection cut by the server (Postgres stopping) is an 'error' event: unheard, it would end the process.
  pool.on('error', (error) => logThrottled('warn', `rate limiter pool: ${error.message}`, {}, 'rate limiter connection lost'));
  const limiter = (keyPrefix: string, points: number, duration: number) =>
    wrap(
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        schemaName: 'platform',
        tableName: 'rate_limits',
        tableCreated: true,
        keyPrefix,
        points,
        duration,
        // A key over its limit is refused from memory until its window ends: a flood costs no database round trip.
        inMemoryBlockOnConsumed: points,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
      }),
      points,
    );
  return {
    token: limiter('token', limits.perToken, limits.tokenWindowSeconds),
    address: limiter('address', limits.perAddress, limits.addressWindowSeconds),
    close: () => pool.end(),
  };
}
