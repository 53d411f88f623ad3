/**
 * The files subgraph's entities as plain names, read by codegen.ts (so no generated code is imported here):
 * `owned` have a folder each in entities/ and a Prisma model whose row their resolvers receive; `listed` are paged
 * through a connection; `enums` are the Prisma enums the schema exposes; `referenced` are other subgraphs'
 * entities this one extends (their resolvers receive a reference `{ __typename, id }`).
 */
export const FILES_ENTITIES = {
  owned: ['BoxItem', 'ProjectDocument', 'KbChunk', 'BoxWebhookEvent'],
  listed: ['BoxItem', 'ProjectDocument', 'KbChunk', 'BoxWebhookEvent'],
  enums: ['BoxItemType'],
  referenced: ['Project'],
  /** The prefix of each entity type's external IDs (`usr_…`), which names its type and owner (catalog/). */
  prefixes: { BoxItem: 'box', BoxWebhookEvent: 'whk', ProjectDocument: 'doc', KbChunk: 'kb' },
  /** Types that entity links may not point at or from (all others may). */
  unlinkable: ['BoxWebhookEvent'],
} as const;
