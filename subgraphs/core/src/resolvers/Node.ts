import { ENTITY_TYPES } from '@wrk/catalog';
import type { NodeResolvers } from '../__generated__/resolvers-types.ts';

type NodeType = NonNullable<Awaited<ReturnType<NodeResolvers['__resolveType']>>>;

/** Every entity type of the catalogue implements Node. */
const isNodeType = (name: unknown): name is NodeType => typeof name === 'string' && ENTITY_TYPES.some((type) => type.typename === name);

export const Node: NodeResolvers = {
  // Rows and references reach here tagged with their type (nodes.ts, relations).
  __resolveType: (node) => {
    const typename = '__typename' in node ? node.__typename : undefined;
    return isNodeType(typename) ? typename : null;
  },
};
