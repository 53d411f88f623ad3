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
}

export interface GatewayRateLimiters {
  token: RateLimiter;
  address: RateLimiter;
  close(): Promise<void>;
}

/**
 * Points a process reserves from the shared counter at a time: 1 for limits up to 199 (every request asks the
 * database: exact), a hundredth of the limit above (1200 a minute → 12: one round trip per 12 requests).
 */
export const leaseSize = (limit: number) => Math.max(1, Math.floor(limit / 100));

const retryAfter = (msBeforeNext: number) => Math.max(1, Math.ceil(msBeforeNext / 1000));

/** A key's points as this process holds them. */
interface Budget {
  /** Points reserved and not yet spent, good until `windowEnd` (epoch ms). */
  points: number;
  windowEnd: number;
  /** The window's whole limit is reserved, by this process or others: refused from memory until `windowEnd`. */
  spent: boolean;
  /** Requests waiting for points: they share the one reservation in flight, and the next asks for them all. */
  waiting: number;
  reservation?: Promise<void> | undefined;
}

/**
 * Spends from memory points reserved in leases from `store`, which counts them against `limit` per window: a request
 * costs a round trip only when its process's lease is used up. The store never grants more than the limit, so all
 * processes together admit at most `limit` requests a window; points a process reserved and did not spend lapse with
 * the window (not given back), so a key may be refused up to (processes × lease) requests early.
 */
export function leasedLimiter(store: RateLimiterAbstract, limit: number): RateLimiter {
  const lease = leaseSize(limit);
  const budgets = new Map<string, Budget>();
  let nextSweep = 0;

  // Budgets of ended windows are dropped at most once a window, when a lease is taken anyway.
  const sweep = (now: number) => {
    if (now < nextSweep) return;
    nextSweep = now + store.duration * 1000;
    for (const [key, budget] of budgets) {
      if (budget.windowEnd <= now && budget.waiting === 0) budgets.delete(key);
    }
  };

  const reserve = async (key: string, budget: Budget) => {
    const wanted = Math.min(limit, Math.max(lease, budget.waiting));
    const res = await store.consume(key, wanted).catch((rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) return rejection;
      throw rejection;
    });
    // The counter now holds every point reserved this window, ours included; only what fits under the limit is ours.
    const granted = Math.min(wanted, Math.max(0, limit - (res.consumedPoints - wanted)));
    const now = Date.now();
    sweep(now);
    budget.points = granted;
    budget.windowEnd = now + res.msBeforeNext;
    budget.spent = res.consumedPoints >= limit;
  };

  const budgetOf = (key: string) => {
    let budget = budgets.get(key);
    if (!budget) budgets.set(key, (budget = { points: 0, windowEnd: 0, spent: false, waiting: 0 }));
    return budget;
  };

  return {
    async consume(key) {
      const budget = budgetOf(key);
      for (;;) {
        const now = Date.now();
        if (budget.windowEnd <= now) {
          budget.points = 0;
          budget.spent = false;
        }
        if (budget.points > 0) {
          budget.points -= 1;
          return undefined;
        }
        if (budget.spent) return retryAfter(budget.windowEnd - now);
        budget.waiting += 1;
        try {
          await (budget.reservation ??= reserve(key, budget).finally(() => (budget.reservation = undefined)));
        } finally {
          budget.waiting -= 1;
        }
      }
    },
  };
}

/**
 * Counters in Postgres (`platform.rate_limits`, created by the migrations), so that every gateway process shares
 * them, reserved in leases (`leasedLimiter`). Should the database fail, each process falls back to counting in memory
 * rather than refusing everyone.
 */
export function postgresRateLimiters(databaseUrl: string, limits: RateLimits): GatewayRateLimiters {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, ...postgresTimeouts() });
  watchPool('gateway-rate-limits', pool);
  // An idle connection cut by the server (Postgres stopping) is an 'error' event: unheard, it would end the process.
  pool.on('error', (error) => logThrottled('warn', `rate limiter pool: ${error.message}`, {}, 'rate limiter connection lost'));
  const limiter = (keyPrefix: string, points: number, duration: number) =>
    leasedLimiter(
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        schemaName: 'platform',
        tableName: 'rate_limits',
        tableCreated: true,
        keyPrefix,
        points,
        duration,
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
