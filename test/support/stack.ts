import { startStack, type Stack } from '@wrk/stack';
import { freshDatabase, type TestDatabase } from './databases.ts';

export interface TestStack extends Stack {
  database: TestDatabase;
  /** POSTs an operation to the gateway and returns the parsed GraphQL response. */
  graphql<Data = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<Data>>;
}

export interface GraphQLResponse<Data> {
  status: number;
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function postGraphQL<Data>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<Data>, 'status'>;
  return { status: response.status, ...body };
}

/** The whole stack over real HTTP on a fresh database of the given kind, seeded with the demo organisation. */
export async function startTestStack(kind: TestDatabase['kind']): Promise<TestStack> {
  const database = await freshDatabase(kind);
  const stack = await startStack({ databaseUrl: database.url });
  return {
    ...stack,
    database,
    graphql: (query, variables, headers) => postGraphQL(stack.gatewayUrl, query, variables, headers),
    async stop() {
      await stack.stop();
      await database.release();
    },
  };
}
