import type { ApolloServerPlugin } from '@apollo/server';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

const DEFAULT_QUERY = `# WRK v2 — the organisation's work graph.
# Add your token under Headers: { "Authorization": "Bearer <token>" }
{
  contracts(first: 5) {
    nodes {
      id
      title
      organization { name }
      links { linkType to { __typename id ... on BoxItem { name } ... on AgentRun { status } } }
    }
  }
}
`;

/**
 * Serves GraphiQL for a browser GET on /graphql, from one self-contained page (no CDN): analysts use it on
 * machines with no internet access. Rendered once at start.
 */
export function offlineExplorer(): ApolloServerPlugin {
  const html = renderGraphiQL({ endpoint: '/graphql', title: 'WRK v2 explorer', defaultQuery: DEFAULT_QUERY });
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}
