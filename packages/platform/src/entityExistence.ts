import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { request } from 'undici';
import { CLAIMS_HEADER } from './claims.ts';
import { currentRequestId, REQUEST_ID_HEADER } from './requestScope.ts';
import type { Delegate } from './context.ts';
import { ErrorCode, graphQLError } from './errors.ts';
import { deadlineSignal, deadlines, timeouts } from './resilience.ts';

/** Where an entity is answered for: the service owning it, its GraphQL type, and the service's URL. */
export interface EntityRoute {
  owner: string;
  typename: string;
  url: string;
}

/** Routes an entity ID to its owner; throws when the ID cannot be routed. */
export type EntityRouter = (id: string) => EntityRoute;

/** Named, so the owner's metrics and logs tell these checks from other operations (`operation="EntityExistenceCheck"`). */
const ENTITY_CHECK_OPERATION = 'EntityExistenceCheck';
const ENTITIES_QUERY = `query ${ENTITY_CHECK_OPERATION}($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }`;

interface EntitiesAnswer {
  data?: { _entities?: unknown[] };
}

/** UNAVAILABLE naming the owner that could not be asked (`subgraphs`), so a list can say whose rows it left out. */
const ownerUnavailable = (owner: string) =>
  graphQLError(ErrorCode.UNAVAILABLE, `The ${owner} service is unavailable: retry later`, { subgraphs: [owner] });

/** The owners an error from this loader says could not be asked, or none when it is another error. */
export function unavailableOwnersOf(error: unknown): string[] {
  if (!(error instanceof GraphQLError) || error.extensions.code !== ErrorCode.UNAVAILABLE) return [];
  const owners = error.extensions.subgraphs;
  return Array.isArray(owners) ? owners.filter((owner): owner is string => typeof owner === 'string') : [];
}

async function askOwner(
  owner: string,
  url: string,
  representations: { __typename: string; id: string }[],
  sign: (owner: string, body: unknown) => string,
): Promise<boolean[]> {
  const body = { query: ENTITIES_QUERY, operationName: ENTITY_CHECK_OPERATION, variables: { representations } };
  // The caller's request ID, so that the owner's answer carries the ID its log lines (labelled from the claims) do.
  const requestId = currentRequestId();
  // undici's request on the process's keep-alive pool: fetch's web streams cost more than the check itself.
  const answer = await request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [CLAIMS_HEADER]: sign(owner, body),
      ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
    },
    body: JSON.stringify(body),
    signal: deadlineSignal(timeouts.ownerCheckMs, deadlines.getStore()),
  }).then(
    async (response) => {
      if (response.statusCode >= 300) {
        await response.body.dump();
        // The owner is down, overloaded or out of time: the entity's existence is unknown, not false.
        if (response.statusCode >= 500) throw ownerUnavailable(owner);
        throw new Error(`the ${owner} subgraph answered ${response.statusCode} to an entity check`);
      }
      return (await response.body.json()) as EntitiesAnswer;
    },
    () => {
      throw ownerUnavailable(owner);
    },
  );
  return representations.map((_, index) => Boolean(answer.data?._entities?.[index]));
}

/**
 * Per request: does an entity of another service exist, and may the caller see it? Asked of its owner through
 * `_entities`, in a request signed on the caller's behalf (`delegate`, carrying the gateway's header as evidence):
 * ownership and the permission check stay with the owner, which applies the caller's claims and nothing more.
 * `withoutAllowlist`: the asking service applies the caller's allowlist itself. Batched: one request per owner
 * per tick, whatever the number of IDs.
 */
export function entityExistenceLoader(
  route: EntityRouter,
  delegate: Delegate,
  options: { withoutAllowlist?: boolean } = {},
): DataLoader<string, boolean> {
  const sign = (owner: string, body: unknown) => delegate(owner, body, options);
  return new DataLoader<string, boolean>(async (ids) => {
    const byOwner = new Map<string, { url: string; ids: string[]; representations: { __typename: string; id: string }[] }>();
    for (const id of ids) {
      const { owner, typename, url } = route(id);
      const batch = byOwner.get(owner) ?? { url, ids: [], representations: [] };
      batch.ids.push(id);
      batch.representations.push({ __typename: typename, id });
      byOwner.set(owner, batch);
    }
    // An owner that cannot answer fails its own IDs only: the other owners' answers stand.
    const answers = new Map<string, boolean | Error>();
    await Promise.all(
      [...byOwner].map(async ([owner, batch]) => {
        const exists = await askOwner(owner, batch.url, batch.representations, sign).catch((error: unknown) => {
          const failure = error instanceof Error ? error : new Error(`the ${owner} subgraph could not be asked`, { cause: error });
          return batch.ids.map(() => failure);
        });
        batch.ids.forEach((id, index) => answers.set(id, exists[index] ?? false));
      }),
    );
    return ids.map((id) => answers.get(id) ?? false);
  });
}
