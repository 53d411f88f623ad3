/** POSTs an operation to the gateway with the analyst's token; the one way the page talks to the API. */
import { GraphQLError, type ExecutionResult } from 'graphql';

export interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function responseOf(body: unknown, status: number): GraphQLResponse {
  if (!isObject(body)) return { errors: [{ message: `the gateway answered ${status} without a GraphQL response` }] };
  const errors = Array.isArray(body.errors)
    ? body.errors.filter(isObject).map((error) => ({
        message: String(error.message),
        path: Array.isArray(error.path) ? error.path.filter((part) => typeof part === 'string' || typeof part === 'number') : undefined,
        extensions: isObject(error.extensions) ? { ...error.extensions, code: String(error.extensions.code) } : undefined,
      }))
    : undefined;
  return { data: isObject(body.data) ? body.data : null, ...(errors ? { errors } : {}) };
}

export async function postGraphQL(
  token: string,
  body: { query: string; variables?: unknown; operationName?: string | null },
): Promise<GraphQLResponse> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const parsed: unknown = await response.json();
  return responseOf(parsed, response.status);
}

/** The same response as GraphiQL's fetcher returns it. */
export const asExecutionResult = ({ data, errors }: GraphQLResponse): ExecutionResult => ({
  data,
  ...(errors ? { errors: errors.map((error) => new GraphQLError(error.message, { path: error.path, extensions: error.extensions })) } : {}),
});

/** The one sentence an analyst needs when a request is refused. */
export function plainError(response: GraphQLResponse): string | undefined {
  const error = response.errors?.[0];
  if (!error) return undefined;
  const code = error.extensions?.code;
  if (code === 'UNAUTHENTICATED')
    return `Your token is not accepted (${error.message}): it has expired or was revoked. Sign in with a new one.`;
  if (code === 'FORBIDDEN') return `Your token lacks a scope for this: ${error.message}.`;
  return error.message;
}
