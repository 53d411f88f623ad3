import DataLoader from 'dataloader';
import { CLAIMS_HEADER, type Delegate } from '@wrk/platform';
import { entityTypeOfId, type SubgraphName } from './index.ts';

export type OwnerUrls = Partial<Record<SubgraphName, string>>;

/** Where each subgraph answers when run on its own with its default PORT. */
export const DEFAULT_SUBGRAPH_URLS: Record<SubgraphName, string> = {
  identity: 'http://127.0.0.1:4001/graphql',
  core: 'http://127.0.0.1:4002/graphql',
  files: 'http://127.0.0.1:4003/graphql',
  agents: 'http://127.0.0.1:4004/graphql',
};

/** Subgraph URLs from the environment (IDENTITY_URL, CORE_URL, FILES_URL, AGENTS_URL), else the defaults. */
export function ownerUrlsFromEnv(): Record<SubgraphName, string> {
  return {
    identity: process.env.IDENTITY_URL ?? DEFAULT_SUBGRAPH_URLS.identity,
    core: process.env.CORE_URL ?? DEFAULT_SUBGRAPH_URLS.core,
    files: process.env.FILES_URL ?? DEFAULT_SUBGRAPH_URLS.files,
    agents: process.env.AGENTS_URL ?? DEFAULT_SUBGRAPH_URLS.agents,
  };
}

const ENTITIES_QUERY = 'query($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }';

async function askOwner(
  owner: SubgraphName,
  url: string,
  ids: string[],
  sign: (owner: SubgraphName, body: unknown) => string,
): Promise<boolean[]> {
  const body = {
    query: ENTITIES_QUERY,
    variables: { representations: ids.map((id) => ({ __typename: entityTypeOfId(id)!.typename, id })) },
  };
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CLAIMS_HEADER]: sign(owner, body) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`the ${owner} subgraph answered ${response.status} to an entity check`);
  const answer = (await response.json()) as { data?: { _entities?: unknown[] } };
  return ids.map((_, index) => Boolean(answer.data?._entities?.[index]));
}

/**
 * Per request: does an entity of another subgraph exist, and may the caller see it? Asked of its owner through
 * `_entities`, in a request this subgraph signs on the caller's behalf (`delegate`, carrying the gateway's header as
 * evidence): ownership and the permission check stay with the owner, which applies the caller's claims and nothing
 * more. `withoutAllowlist`: the asking subgraph applies the caller's allowlist itself. Batched: one request per
 * owner per tick, whatever the number of IDs.
 */
export function ownerExistenceLoader(
  urls: OwnerUrls,
  delegate: Delegate,
  options: { withoutAllowlist?: boolean } = {},
): DataLoader<string, boolean> {
  const sign = (owner: SubgraphName, body: unknown) => delegate(owner, body, options);
  return new DataLoader<string, boolean>(async (ids) => {
    const byOwner = new Map<SubgraphName, string[]>();
    for (const id of ids) {
      const owner = entityTypeOfId(id)!.owner;
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), id]);
    }
    const answers = new Map<string, boolean>();
    await Promise.all(
      [...byOwner].map(async ([owner, ownerIds]) => {
        const url = urls[owner];
        if (!url) throw new Error(`No URL configured for the ${owner} subgraph`);
        const exists = await askOwner(owner, url, ownerIds, sign);
        ownerIds.forEach((id, index) => answers.set(id, exists[index]!));
      }),
    );
    return ids.map((id) => answers.get(id) ?? false);
  });
}
