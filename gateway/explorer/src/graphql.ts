/** POSTs an operation to the gateway with the analyst's token; the one way the page talks to the API. */
export interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function postGraphQL<Result = GraphQLResponse>(
  token: string,
  body: { query: string; variables?: unknown; operationName?: string | null },
): Promise<Result> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const result: Result = await response.json();
  return result;
}

/** The one sentence an analyst needs when a request is refused. */
export function plainError(response: GraphQLResponse): string | undefined {
  const error = response.errors?.[0];
  if (!error) return undefined;
  const code = error.extensions?.code;
  if (code === 'UNAUTHENTICATED') return `Your token is not accepted (${error.message}): it has expired or was revoked. Sign in with a new one.`;
  if (code === 'FORBIDDEN') return `Your token lacks a scope for this: ${error.message}.`;
  return error.message;
}
