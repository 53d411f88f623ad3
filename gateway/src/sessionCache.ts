import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { logger, logThrottled, numberFromEnv, SESSION_CHANNEL, timeouts, type Claims } from '@wrk/platform';

export interface SessionCacheSettings {
  /** Sessions kept per gateway process (0 turns the cache off). */
  maxEntries: number;
  /** How long a cached session is trusted without a notification, in milliseconds. */
  maxAgeMs: number;
}

export const sessionCacheSettingsFromEnv = (env: NodeJS.ProcessEnv = process.env): SessionCacheSettings => ({
  maxEntries: numberFromEnv(env, 'WRK_SESSION_CACHE_MAX', 10_000),
  maxAgeMs: numberFromEnv(env, 'WRK_SESSION_CACHE_MS', 30_000),
});

/** A session's claims without the request they were read for. */
type CachedClaims = Omit<Claims, 'requestId' | 'deadline'>;

export interface SessionCache {
  /** The token's claims from the cache, or from `lookup` (cached unless an invalidation arrived meanwhile). */
  get(tokenId: string, requestId: string, lookup: () => Promise<Claims>): Promise<Claims>;
  close(): Promise<void>;
}

const RECONNECT_MS = 500;

/**
 * Verified sessions, kept per gateway process so that the hot path asks identity nothing. Each process LISTENs on its
 * own connection: an invalidation drops the token's or the user's entries at once. While that connection is down the
 * cache is bypassed (a notification could be missed), and it is emptied when the connection comes back.
 */
export function sessionCache(databaseUrl: string, settings: SessionCacheSettings = sessionCacheSettingsFromEnv()): SessionCache {
  const cache =
    settings.maxEntries > 0 ? new LRUCache<string, CachedClaims>({ max: settings.maxEntries, ttl: settings.maxAgeMs }) : undefined;
  // Bumped by every invalidation: a lookup that started before one does not store what it read.
  let generation = 0;
  let listening = false;
  let client: pg.Client | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  let closed = false;

  const invalidate = (payload: string) => {
    generation += 1;
    if (!cache) return;
    const [kind, id] = payload.split(':', 2);
    if (kind === 'token' && id) cache.delete(id);
    else if (kind === 'user' && id) {
      for (const [tokenId, claims] of cache.entries()) if (claims.sub === id) cache.delete(tokenId);
    } else cache.clear();
  };

  const lost = (cause: string) => {
    listening = false;
    generation += 1;
    cache?.clear();
    const dead = client;
    client = undefined;
    dead?.end().catch(() => undefined);
    if (closed || reconnect) return;
    logThrottled('warn', `session invalidations: ${cause}`, { dependency: 'postgres' }, 'session cache bypassed until reconnected');
    reconnect = setTimeout(() => {
      reconnect = undefined;
      void listen();
    }, RECONNECT_MS);
    reconnect.unref();
  };

  const listen = async () => {
    const next = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeouts.connectMs });
    next.on('error', (error) => lost(error.message));
    next.on('end', () => (client === next ? lost('connection ended') : undefined));
    next.on('notification', (message) => invalidate(message.payload ?? 'all'));
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${SESSION_CHANNEL}`);
      if (closed) return void (await next.end());
      // Whatever was cached before may have missed a notification.
      generation += 1;
      cache?.clear();
      listening = true;
    } catch (error) {
      lost(error instanceof Error ? error.message : String(error));
    }
  };
  if (cache) void listen();

  return {
    async get(tokenId, requestId, lookup) {
      if (!cache || !listening) return lookup();
      const hit = cache.get(tokenId);
      if (hit) return { ...hit, requestId };
      const started = generation;
      const claims = await lookup();
      if (listening && generation === started) {
        const { requestId: _request, deadline: _deadline, ...session } = claims;
        cache.set(tokenId, session);
      }
      return claims;
    },
    async close() {
      closed = true;
      clearTimeout(reconnect);
      listening = false;
      const open = client;
      client = undefined;
      await open?.end().catch((error: unknown) => logger.debug({ err: error }, 'session listener close'));
    },
  };
}
