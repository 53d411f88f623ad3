import { entityTypeOfId } from '@wrk/catalog';
import { schemaModule, type EntityRef } from '@wrk/platform';
import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';

/** Core's entity types that can own documents (files contributes their `documents`). */
export const DOCUMENT_OWNERS = ['Project', 'Contract', 'Grant', 'Organization', 'Person', 'Meeting', 'Trip', 'Action', 'Decision'] as const;

/** A reference to the core entity a document belongs to: the gateway fetches its fields from core. */
export function entityReference(entityId: string | null): EntityRef | null {
  const typename = entityId ? entityTypeOfId(entityId)?.typename : undefined;
  return entityId && typename ? { __typename: typename, id: entityId } : null;
}

/**
 * The reference is the representation itself: files does not know the entity's other fields, but its documents
 * are listed only when core shows the entity to the caller (and each passes the Box rule) — see loaders.ts.
 */
const documentOwner = {
  documents: (entity: EntityRef, _: unknown, ctx: Context) => ctx.loaders.documentsByEntity.load(entity.id),
  __resolveReference: (ref: EntityRef) => ref,
};

export const documentOwnerResolvers = {
  Project: documentOwner,
  Contract: documentOwner,
  Grant: documentOwner,
  Organization: documentOwner,
  Person: documentOwner,
  Meeting: documentOwner,
  Trip: documentOwner,
  Action: documentOwner,
  Decision: documentOwner,
} satisfies Partial<Resolvers>;

/** The module: the `documents` field files contributes to core's entity types. */
export const documentOwnerModule = schemaModule(new URL('./documentOwner.graphql', import.meta.url), documentOwnerResolvers);
