/**
 * Counters the tests and benchmarks read around a request, installed from here and not in production code:
 * SQL statements through Prisma's query events of every client the process creates (the `wrk:prisma-client`
 * channel), and gateway → subgraph requests through a wrapper of the gateway's undici dispatcher.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Agent, type Dispatcher } from 'undici';
import { prismaClientChannel } from '@wrk/platform';

/** SQL statements sent by every Prisma client created in this process after this module loaded. */
export const sqlStatements = { count: 0 };

interface QueryEvents {
  $on(event: 'query', listener: () => void): void;
}
const emitsQueries = (client: unknown): client is QueryEvents => typeof client === 'object' && client !== null && '$on' in client;

const countQueries = (client: unknown) => {
  if (emitsQueries(client)) {
    client.$on('query', () => {
      sqlStatements.count += 1;
    });
  }
};
subscribe(prismaClientChannel.name, countQueries);

/**
 * Ends this module's subscription. Diagnostics channels are process-wide while jest evaluates this module once per
 * test file: without it, each later file's Prisma clients would get a listener per earlier file, and every earlier
 * file's modules would stay alive (`test/support/afterEachFile.ts` calls it).
 */
export const stopCountingSql = () => unsubscribe(prismaClientChannel.name, countQueries);

/** Gateway → subgraph requests, counted by `countingDispatcher`. */
export const subgraphFetches = { count: 0 };

/**
 * The gateway's dispatcher, counting each subgraph request; with `keepAlive.enabled` false (the benchmark's
 * comparison) requests go through an agent that closes each connection after its request (pipelining 0).
 */
export const subgraphKeepAlive = { enabled: true };
let closingAgent: Agent | undefined;
export const countingDispatcher = (keepAlive: Dispatcher): Dispatcher =>
  keepAlive.compose((dispatch) => (options, handler) => {
    subgraphFetches.count += 1;
    if (subgraphKeepAlive.enabled) return dispatch(options, handler);
    return (closingAgent ??= new Agent({ pipelining: 0 })).dispatch(options, handler);
  });
