import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';

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
