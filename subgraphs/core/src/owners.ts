import { CLAIMS_HEADER, gatewaySecret, signClaims } from '@wrk/platform';
import type { SubgraphName } from '@wrk/catalog';
import type { Context } from './context.ts';

export type OwnerUrls = Partial<Record<SubgraphName, string>>;

/** Subgraph URLs from the environment (IDENTITY_URL, FILES_URL, AGENTS_URL) when core runs on its own. */
export function ownerUrlsFromEnv(): OwnerUrls {
  return {
    identity: process.env.IDENTITY_URL,
    files: process.env.FILES_URL,
    agents: process.env.AGENTS_URL,
  };
}

/**
 * Asks the owning subgraph whether an entity exists and is visible to the caller, through `_entities` with
 * the caller's own claims: ownership stays with the owner, and so does the permission check.
 */
export async function existsAtOwner(url: string, typename: string, id: string, ctx: Context): Promise<boolean> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [CLAIMS_HEADER]: await signClaims(ctx.claims, gatewaySecret()),
    },
    body: JSON.stringify({
      query: 'query($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }',
      variables: { representations: [{ __typename: typename, id }] },
    }),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status} to an entity check`);
  const body = (await response.json()) as { data?: { _entities?: unknown[] } };
  return Boolean(body.data?._entities?.[0]);
}
