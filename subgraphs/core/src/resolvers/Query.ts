import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { resolveNode } from '../nodes.ts';

/** node/nodes: route any ID of the graph by its prefix. */
export const NodeQueries: QueryResolvers = {
  node: (_, { id }, ctx) => resolveNode(id, ctx),
  nodes: (_, { ids }, ctx) => ids.map((id) => resolveNode(id, ctx)),
};
