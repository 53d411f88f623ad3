import type DataLoader from 'dataloader';
import { entityExistenceLoader, type Delegate, type EntityRouter } from '@wrk/platform';
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

/** Routes an entity ID to its owning subgraph (by the catalogue) and that subgraph's URL. */
export function ownerRouter(urls: OwnerUrls): EntityRouter {
  return (id) => {
    const type = entityTypeOfId(id);
    if (!type) throw new Error(`${id} names no entity type of the catalogue`);
    const url = urls[type.owner];
    if (!url) throw new Error(`No URL configured for the ${type.owner} subgraph`);
    return { owner: type.owner, typename: type.typename, url };
  };
}

/** Whether an entity of another subgraph exists and the caller may see it, asked of its owner (see entityExistenceLoader). */
export function ownerExistenceLoader(
  urls: OwnerUrls,
  delegate: Delegate,
  options: { withoutAllowlist?: boolean } = {},
): DataLoader<string, boolean> {
  return entityExistenceLoader(ownerRouter(urls), delegate, options);
}
