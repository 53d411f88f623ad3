import { committedSupergraph, composeSupergraph } from '@wrk/gateway/compose';

describe('supergraph.graphql', () => {
  it('is what @apollo/composition makes of the subgraphs’ schemas today (run `pnpm compose` after a schema change)', async () => {
    expect(committedSupergraph()).toBe(await composeSupergraph());
  });
});
