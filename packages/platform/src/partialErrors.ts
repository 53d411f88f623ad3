import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { ErrorCode, graphQLError } from './errors.ts';

/** Errors reported at a field that is still answered, per request context (the context object is the key). */
const reported = new WeakMap<object, GraphQLError[]>();

/**
 * Reports an error at a field's path while the field keeps its value: a list answered without what could not be
 * checked (e.g. links whose other end's owner is down) says so at its own path. Sent by `partialErrors()`.
 */
export function reportAtField(ctx: object, info: Pick<GraphQLResolveInfo, 'path'>, error: GraphQLError): void {
  const errors = reported.get(ctx) ?? [];
  errors.push(new GraphQLError(error.message, { path: responsePathAsArray(info.path), extensions: error.extensions }));
  reported.set(ctx, errors);
}

/**
 * UNAVAILABLE at a list's path, naming the services (`owners`) whose entities its left-out rows (`rows`, e.g. "Links
 * to entities") rest on: whether the caller may see those rows is unknown, and a hidden row must stay missing.
 */
export function reportLeftOut(ctx: object, info: Pick<GraphQLResolveInfo, 'path'>, rows: string, owners: string[]): void {
  if (!owners.length) return;
  const services = [...owners].sort().join(', ');
  const message = `${rows} of ${services} are left out: ${services} cannot be asked now; retry later`;
  reportAtField(ctx, info, graphQLError(ErrorCode.UNAVAILABLE, message, { subgraphs: owners }));
}

/** Adds the errors reported with `reportAtField` to the response, beside its data. */
export function partialErrors<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async willSendResponse({ response }) {
          const errors = reported.get(contextValue);
          if (!errors?.length || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.errors = [...(result.errors ?? []), ...errors.map((error) => error.toJSON())];
        },
      };
    },
  };
}
