import { createServer } from 'node:http';
import { once } from 'node:events';
import { parse } from 'graphql';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { logger, shutdownTimeoutMs, type RunningServer, type ServiceKeyring } from '@wrk/platform';
import { SUBGRAPHS, type SubgraphName } from '@wrk/catalog';
import { callerAuthentication } from '../authentication.ts';
import type { SessionCacheSettings } from '../sessionCache.ts';
import type { RateLimits } from '../rateLimit.ts';
import { useWrkClaims, type WrkClaimsContext } from './claimsPlugin.ts';

export interface HiveGatewayOptions {
  /** The composed supergraph (the committed supergraph.graphql). */
  supergraphSdl: string;
  /** Where each subgraph answers; overrides the URLs recorded in the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  /** The gateway's keyring: the same private key WRK's gateway signs with. */
  keyring: ServiceKeyring;
  /** The rate limiter's counters and the session notifications, as for WRK's gateway. */
  databaseUrl: string;
  port?: number;
  host?: string;
  sessionCache?: Partial<SessionCacheSettings>;
  rateLimits?: Partial<RateLimits>;
}

/**
 * Each subgraph where it answers (the supergraph's URLs are replaced, as WRK's gateway replaces them). Hive's HTTP
 * transport shares one in-flight subgraph request among identical ones by URL and body, before the plugin signs the
 * caller's claims into it: two callers sending the same operation at once would get each other's answers. Off.
 */
export const transportEntriesFor = (subgraphUrls: Record<SubgraphName, string>) =>
  Object.fromEntries(SUBGRAPHS.map((name) => [name, { location: subgraphUrls[name], options: { deduplicateInflightRequests: false } }]));

/** The Hive Gateway runtime serving WRK's supergraph behind WRK's claims plugin, with nothing else of its own on. */
export function hiveGatewayRuntime(options: HiveGatewayOptions, plugin: ReturnType<typeof useWrkClaims>) {
  return createGatewayRuntime<WrkClaimsContext>({
    supergraph: parse(options.supergraphSdl),
    transportEntries: transportEntriesFor(options.subgraphUrls),
    plugins: () => [plugin],
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    readinessCheckEndpoint: '/ready',
    landingPage: false,
    graphiql: false,
    logging: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'error',
  });
}

/**
 * Hive Gateway (@graphql-hive/gateway) in front of WRK's subgraphs, doing exactly WRK's gateway's auth work: the way
 * a fleet that already runs Hive Gateway serves the committed supergraph (README, "Production topology"), and the
 * benchmark's point of comparison.
 */
export async function startHiveGateway(options: HiveGatewayOptions): Promise<RunningServer> {
  const authentication = callerAuthentication({ identityUrl: options.subgraphUrls.identity, ...options });
  const runtime = hiveGatewayRuntime(options, useWrkClaims({ ...authentication, ...options }));
  const httpServer = createServer(runtime.requestListener);
  const host = options.host ?? '127.0.0.1';
  httpServer.listen(options.port ?? 0, host);
  await once(httpServer, 'listening');
  const address = httpServer.address();
  if (address === null || typeof address === 'string') throw new Error(`${host} is not a TCP address`);
  logger.info({ port: address.port }, 'hive gateway listening');
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/graphql`,
    port: address.port,
    stop(deadlineMs = shutdownTimeoutMs()) {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeIdleConnections();
        const cut = setTimeout(() => httpServer.closeAllConnections(), deadlineMs);
        await closed;
        clearTimeout(cut);
        await runtime.dispose();
        await authentication.close();
      })();
      return stopping;
    },
  };
}
