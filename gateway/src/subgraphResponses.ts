/**
 * What the gateway accepts from a subgraph, and how a fetch that failed is reported: at the paths of the fields it
 * was asked for, so that everything else of the request is still answered (issue 13, partial answers).
 * - a response larger than WRK_SUBGRAPH_MAX_RESPONSE_BYTES is cut off while it is read (never buffered whole):
 *   SUBGRAPH_RESPONSE_TOO_LARGE (subgraphTransport.ts);
 * - an `_entities` answer that is not a list of one object per representation (e.g. `"garbage"`):
 *   SUBGRAPH_RESPONSE_INVALID at each field asked of the entities it leaves unanswered; a `null` for an entity
 *   another subgraph pointed at: NOT_FOUND there (never a silent null);
 * - a subgraph that cannot be reached: UNAVAILABLE at each field of the fetch.
 */
import {
  GraphQLError,
  Kind,
  parse,
  type DocumentNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode, logger } from '@wrk/platform';
import { SubgraphResponseInvalid, SubgraphResponseTooLarge } from './subgraphTransport.ts';
import { SignedClaimsDataSource } from './dataSource.ts';

export const SubgraphErrorCode = {
  SUBGRAPH_RESPONSE_TOO_LARGE: 'SUBGRAPH_RESPONSE_TOO_LARGE',
  SUBGRAPH_RESPONSE_INVALID: 'SUBGRAPH_RESPONSE_INVALID',
  UNAVAILABLE: 'UNAVAILABLE',
} as const;

export { maxSubgraphResponseBytes, SubgraphResponseInvalid, SubgraphResponseTooLarge } from './subgraphTransport.ts';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A request's `representations` variable when it is an entity fetch, else undefined. */
export function representationsOf(variables: Record<string, unknown> | undefined): unknown[] | undefined {
  const representations = variables?.representations;
  return Array.isArray(representations) ? representations : undefined;
}

/** The operation of a subgraph request (the gateway's document, else the query parsed). */
function operationOf(document: DocumentNode | undefined, query: string | undefined): OperationDefinitionNode | undefined {
  const parsed = document ?? (query ? parse(query) : undefined);
  return parsed?.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
}

/** Response keys of the fields of a selection set (inline fragments matching `typename` included), `__typename` aside. */
function fieldKeys(selectionSet: SelectionSetNode | undefined, typename?: string): string[] {
  const keys = (selectionSet?.selections ?? []).flatMap((selection): string[] => {
    if (selection.kind === Kind.FIELD) return selection.name.value === '__typename' ? [] : [selection.alias?.value ?? selection.name.value];
    if (selection.kind !== Kind.INLINE_FRAGMENT) return [];
    const condition = selection.typeCondition?.name.value;
    return !condition || !typename || condition === typename ? fieldKeys(selection.selectionSet, typename) : [];
  });
  return [...new Set(keys)];
}

/**
 * The paths a whole fetch was to answer, relative to the fetch: each root field of a root fetch; for an entity fetch,
 * each field asked of each entity (`['_entities', i, field]`, which the gateway moves to the entity's place).
 */
export function fetchPaths(
  document: DocumentNode | undefined,
  query: string | undefined,
  representations?: unknown[],
): (string | number)[][] {
  const operation = operationOf(document, query);
  if (!representations) return fieldKeys(operation?.selectionSet).map((key) => [key]);
  const entities = operation?.selectionSet.selections.find(
    (selection) => selection.kind === Kind.FIELD && selection.name.value === '_entities',
  );
  const selectionSet = entities?.kind === Kind.FIELD ? entities.selectionSet : undefined;
  return representations.flatMap((representation, index) => {
    const typename = isObject(representation) && typeof representation.__typename === 'string' ? representation.__typename : undefined;
    const keys = fieldKeys(selectionSet, typename);
    return keys.length ? keys.map((key) => ['_entities', index, key]) : [['_entities', index]];
  });
}

export interface FetchShape {
  subgraph: string;
  /** Set for entity fetches. */
  representations?: unknown[];
  /** What the fetch was to answer (`fetchPaths`). */
  paths: () => (string | number)[][];
  requestId: string;
}

/** One error per path the fetch leaves unanswered; the gateway moves each to the field it stands for. */
export function failedFetch(shape: FetchShape, code: string, message: string) {
  const errors: GraphQLFormattedError[] = shape.paths().map((path) => ({
    message,
    path,
    extensions: { code, subgraph: shape.subgraph },
  }));
  return shape.representations ? { data: { _entities: shape.representations.map(() => null) }, errors } : { data: null, errors };
}

/** The HTTP status of a subgraph's non-2xx answer, as Apollo's data source reports it. */
function statusOf(error: GraphQLError): number | undefined {
  const response = error.extensions.response;
  return isObject(response) && typeof response.status === 'number' ? response.status : undefined;
}

/**
 * How a thrown fetch failure is reported at its fields: too large, invalid, or the subgraph unavailable (unreachable,
 * 5xx, or already classified UNAVAILABLE); undefined for anything else (a 4xx: the request was refused, as before).
 */
export function describeFailure(error: unknown, subgraph: string): { code: string; message: string } | undefined {
  if (error instanceof SubgraphResponseTooLarge) {
    return { code: SubgraphErrorCode.SUBGRAPH_RESPONSE_TOO_LARGE, message: `The ${subgraph} service's answer was too large` };
  }
  if (error instanceof SubgraphResponseInvalid) {
    return { code: SubgraphErrorCode.SUBGRAPH_RESPONSE_INVALID, message: `The ${subgraph} service's answer was not valid` };
  }
  const unavailable = { code: SubgraphErrorCode.UNAVAILABLE, message: `The ${subgraph} service is unavailable: retry later` };
  if (!(error instanceof GraphQLError)) return unavailable;
  if (error.extensions.code === SubgraphErrorCode.UNAVAILABLE) return { code: SubgraphErrorCode.UNAVAILABLE, message: error.message };
  return (statusOf(error) ?? 0) >= 500 ? unavailable : undefined;
}

/**
 * Checks an entity fetch's answer: `_entities` must be a list with one entry per representation. An entity it does
 * not give becomes an error at each field asked of it, so nothing is dropped silently: NOT_FOUND for a `null` (the
 * owner does not answer for an entity another subgraph pointed at: gone since, or hidden from the caller),
 * SUBGRAPH_RESPONSE_INVALID for anything else that is not an object (or a list that is not one). Logged once per fetch.
 */
export function checkedEntities<Response extends { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] }>(
  response: Response,
  shape: FetchShape & { representations: unknown[] },
): Response {
  const entities = response.data?._entities;
  const list = Array.isArray(entities) && entities.length === shape.representations.length ? entities : undefined;
  // Entities the subgraph reported an error for are already reported at their paths.
  const reported = new Set(response.errors?.map((error) => (error.path?.[0] === '_entities' ? error.path[1] : undefined)));
  const codeOf = (index: number): string | undefined => {
    if (reported.has(index) || (list && isObject(list[index]))) return undefined;
    return list && list[index] === null ? ErrorCode.NOT_FOUND : SubgraphErrorCode.SUBGRAPH_RESPONSE_INVALID;
  };
  // The usual answer gives every entity: no path of the fetch needs computing.
  if (shape.representations.every((_, index) => codeOf(index) === undefined)) return response;
  const errors = shape.paths().flatMap((path) => {
    const code = typeof path[1] === 'number' ? codeOf(path[1]) : undefined;
    if (!code) return [];
    const message =
      code === ErrorCode.NOT_FOUND
        ? `The ${shape.subgraph} service does not answer for this entity (gone, or not visible to you)`
        : `The ${shape.subgraph} service gave no valid answer for this entity`;
    return [{ message, path, extensions: { code, subgraph: shape.subgraph } }];
  });
  if (!errors.length) return response;
  const invalid = errors.some((error) => error.extensions.code === SubgraphErrorCode.SUBGRAPH_RESPONSE_INVALID);
  const reason = list ? `${errors.length} fields of entities not answered` : '`_entities` is not a list of the representations';
  logger[invalid ? 'warn' : 'info']({ subgraph: shape.subgraph, requestId: shape.requestId, reason }, 'subgraph left entities unanswered');
  return {
    ...response,
    data: { ...response.data, _entities: shape.representations.map((_, index) => (list && isObject(list[index]) ? list[index] : null)) },
    errors: [...(response.errors ?? []), ...errors],
  };
}

type ProcessOptions = Parameters<SignedClaimsDataSource['process']>[0];
type ProcessResult = Awaited<ReturnType<SignedClaimsDataSource['process']>>;

/**
 * The subgraph data source with its answers contained: a failed or invalid fetch becomes errors at the paths of its
 * fields (the gateway hydrates `['_entities', i]` to the entity's place in the response) instead of one error with
 * no path, so the rest of the request is answered.
 */
export class ContainedDataSource extends SignedClaimsDataSource {
  override async process(options: ProcessOptions): Promise<ProcessResult> {
    // Schema loads and health checks (no incoming request) fail as they are.
    if (!('incomingRequestContext' in options)) return super.process(options);
    const representations = representationsOf(options.request.variables);
    const shape: FetchShape = {
      subgraph: this.subgraph,
      representations,
      paths: () => fetchPaths(options.document, options.request.query, representations),
      requestId: options.incomingRequestContext.context.claims.requestId,
    };
    let response: ProcessResult;
    try {
      response = await super.process(options);
    } catch (error) {
      const failure = describeFailure(error, this.subgraph);
      if (!failure) throw error;
      if (failure.code !== SubgraphErrorCode.UNAVAILABLE) {
        logger.warn({ subgraph: this.subgraph, requestId: shape.requestId, reason: failure.code }, 'subgraph response refused');
      }
      return failedFetch(shape, failure.code, failure.message);
    }
    return representations ? checkedEntities(response, { ...shape, representations }) : response;
  }
}
