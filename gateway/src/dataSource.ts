import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Agent, type Dispatcher } from 'undici';
import { GraphQLError } from 'graphql';
import {
  CLAIMS_HEADER,
  deadlineSignal,
  logThrottled,
  measuredSubgraphFetch,
  REQUEST_ID_HEADER,
  signClaims,
  timeouts,
  unavailable,
  type Claims,
  type ServiceKeyring,
} from '@wrk/platform';
import type { GatewayContext } from './context.ts';
import { hasRepresentations, mergeEntityFetches, type EntityRequest, type SubgraphAnswer } from './entityBatching.ts';
import {
  maxSubgraphResponseBytes,
  postJson,
  SubgraphResponseInvalid,
  SubgraphResponseTooLarge,
  type TextAnswer,
} from './subgraphTransport.ts';

/**
 * One keep-alive connection pool for all subgraph requests: Apollo's default fetcher opens a connection per
 * request, which halved throughput in our measurements.
 */
export const keepAliveAgent = new Agent({ keepAliveTimeout: 30_000, connections: 128, connectTimeout: timeouts.subgraphMs });

/** Wraps the dispatcher of subgraph requests: tests and benchmarks count them or switch keep-alive off this way. */
export type DispatcherWrapper = (dispatcher: Dispatcher) => Dispatcher;

type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;
type Answer = Awaited<ReturnType<GraphQLDataSource['process']>>;
type IncomingRequest = Extract<ProcessOptions, { incomingRequestContext: unknown }>['incomingRequestContext'];

interface SubgraphBody {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

/** Statuses that say the subgraph cannot answer now (its own 503s: overloaded, database down, past the deadline). */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/** Health checks and schema loading have no incoming request: signed as the gateway itself. */
const gatewayClaims: Claims = { kind: 'system', agent: 'gateway', scopes: [], teams: [], requestId: 'gateway' };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A GraphQL response's shape: an object, its data an object or null, its errors a list. */
const isAnswer = (value: unknown): value is SubgraphAnswer =>
  isObject(value) &&
  (value.data === undefined || value.data === null || isObject(value.data)) &&
  (value.errors === undefined || Array.isArray(value.errors));

/** A subgraph's refusal (a non-2xx answer), shaped as Apollo's data source reported it: status and body in extensions. */
function refusal(answer: TextAnswer): GraphQLError {
  const code = answer.status === 401 ? 'UNAUTHENTICATED' : answer.status === 403 ? 'FORBIDDEN' : undefined;
  return new GraphQLError(`${answer.status}: ${answer.statusText}`, {
    extensions: { response: { status: answer.status, statusText: answer.statusText, body: answer.text }, ...(code ? { code } : {}) },
  });
}

/** A subgraph's non-2xx answer other than "unavailable" (e.g. 400: the operation failed validation). */
const isRefusal = (error: unknown) => error instanceof GraphQLError && isObject(error.extensions.response);

interface PendingFetch {
  request: EntityRequest;
  resolve(answer: SubgraphAnswer): void;
  reject(error: unknown): void;
}

/**
 * Sends each subgraph request with the caller's claims, signed for that subgraph and that operation only (claims.ts):
 * subgraphs trust nothing else, and a captured header is good for nothing but the request it came with. The claims
 * carry the request's deadline; a subgraph that does not answer in time, or cannot be reached, is UNAVAILABLE at the
 * fields it was asked for. Entity fetches of one request started together are de-duplicated and merged
 * (entityBatching.ts).
 */
export class SignedClaimsDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly url: URL;
  private readonly maxBytes = maxSubgraphResponseBytes();
  /** Entity fetches waiting for the end of the current synchronous run, by the request they serve. */
  private readonly pending = new WeakMap<IncomingRequest, PendingFetch[]>();

  constructor(
    url: string,
    readonly subgraph: string,
    private readonly keyring: ServiceKeyring,
    private readonly dispatcher: Dispatcher,
    /** Off: every entity fetch is sent as Apollo's gateway built it (for comparison). */
    private readonly batchEntities = true,
  ) {
    this.url = new URL(url);
  }

  process(options: ProcessOptions): Promise<Answer> {
    const { request } = options;
    if (!request.query) return Promise.reject(new Error('Missing query'));
    const body: SubgraphBody = { query: request.query, operationName: request.operationName, variables: request.variables };
    if (!('incomingRequestContext' in options)) return this.send(body, gatewayClaims, 'gateway');
    const incoming = options.incomingRequestContext;
    const { variables } = request;
    if (!this.batchEntities || !hasRepresentations(variables)) return this.send(body, incoming.context.claims, incoming.operationName);
    return this.enqueue(incoming, { query: request.query, operationName: request.operationName, variables, document: options.document });
  }

  /**
   * Joins the batch of this request's entity fetches to this subgraph: the children of a Parallel plan node call
   * `process` one after the other in one synchronous loop, so a microtask sees them all.
   */
  private enqueue(incoming: IncomingRequest, request: EntityRequest): Promise<SubgraphAnswer> {
    return new Promise((resolve, reject) => {
      let batch = this.pending.get(incoming);
      if (!batch) {
        const started: PendingFetch[] = [];
        batch = started;
        this.pending.set(incoming, started);
        queueMicrotask(() => {
          this.pending.delete(incoming);
          this.flush(incoming, started);
        });
      }
      batch.push({ request, resolve, reject });
    });
  }

  private flush(
    incoming: IncomingRequest,
    batch: PendingFetch[],
    fetches = mergeEntityFetches(batch.map((pending) => pending.request)),
  ): void {
    for (const { fetch, requests, separately } of fetches) {
      const members = requests.flatMap((index) => batch[index] ?? []);
      const fail = (error: unknown) => members.forEach((member) => member.reject(error));
      this.send(fetch.body, incoming.context.claims, incoming.operationName)
        .then(
          (answer) => {
            if (separately && !answer.data) return this.flush(incoming, batch, separately);
            const answers = fetch.split(answer);
            members.forEach((member, index) => member.resolve(answers[index] ?? { data: null }));
          },
          separately ? (error: unknown) => (isRefusal(error) ? this.flush(incoming, batch, separately) : fail(error)) : fail,
        )
        .catch(fail);
    }
  }

  /** One HTTP request, counted and timed (wrk_subgraph_fetches_total, wrk_subgraph_fetch_duration_seconds). */
  private send(body: SubgraphBody, claims: Claims, operation: string | null | undefined): Promise<SubgraphAnswer> {
    return measuredSubgraphFetch(this.subgraph, operation, async () => {
      const headers = { [CLAIMS_HEADER]: signClaims(this.keyring, this.subgraph, body, claims), [REQUEST_ID_HEADER]: claims.requestId };
      const signal = deadlineSignal(timeouts.subgraphMs, claims.deadline);
      const answer = await postJson(this.dispatcher, {
        url: this.url,
        headers,
        body: JSON.stringify(body),
        signal,
        maxBytes: this.maxBytes,
      }).catch((error: unknown) => {
        if (error instanceof SubgraphResponseTooLarge) throw error;
        return this.unavailable(error instanceof Error ? error.name : 'unknown');
      });
      if (UNAVAILABLE_STATUSES.has(answer.status)) return this.unavailable(`HTTP ${answer.status}`);
      if (!answer.ok) throw refusal(answer);
      return this.parsed(answer.text);
    });
  }

  /** A successful answer that is not a JSON object is invalid. */
  private parsed(text: string): SubgraphAnswer {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // reported below
    }
    if (isAnswer(parsed)) return parsed;
    throw new SubgraphResponseInvalid(`the ${this.subgraph} service's answer is not a JSON object`);
  }

  private unavailable(cause: string): never {
    logThrottled('warn', `subgraph ${this.subgraph}: ${cause}`, { subgraph: this.subgraph }, 'subgraph unavailable');
    throw unavailable(`The ${this.subgraph} service is unavailable: retry later`);
  }
}
