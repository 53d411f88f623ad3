import { buildASTSchema, parse } from 'graphql';
import { SUBGRAPHS } from '@wrk/catalog';
import { apiSchemaOf } from './mcp/operations.ts';
import { committedSupergraph, subgraphSdl, withRootDescriptions } from './compose.ts';

describe('the composed root types', () => {
  const schema = apiSchemaOf(committedSupergraph());

  it.each(['Query', 'Mutation'] as const)('%s describes every subgraph, not the one composition kept', (root) => {
    const description = schema.getType(root)?.description ?? '';
    for (const name of SUBGRAPHS) {
      const own = buildASTSchema(parse(subgraphSdl(name)), { assumeValidSDL: true }).getQueryType()?.description ?? '';
      expect(description).toContain(`- ${name}: ${own.replace(/\s+/g, ' ').trim()}`);
    }
  });

  it('replaces a block or a one-line description, or adds one', () => {
    const sdl = '"""\nold\n"""\ntype Query {\n  a: Int\n}\n\n"one line"\ntype Mutation {\n  b: Int\n}\n\ntype Other {\n  c: Int\n}\n';
    const replaced = withRootDescriptions(sdl, { Query: 'new query', Mutation: 'new mutation', Other: 'added' });
    expect(replaced).toBe(
      '"""\nnew query\n"""\ntype Query {\n  a: Int\n}\n\n"""\nnew mutation\n"""\ntype Mutation {\n  b: Int\n}\n\n"""\nadded\n"""\ntype Other {\n  c: Int\n}\n',
    );
  });
});
