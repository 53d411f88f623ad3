/**
 * The files subgraph's entities as plain names, read by codegen.ts (so no generated code is imported here):
 * `owned` have a folder each in entities/ and a Prisma model whose row their resolvers receive; `listed` are paged
 * through a connection; `enums` are the Prisma enums the schema exposes; `referenced` are other subgraphs'
 * entities this one extends (their resolvers receive a reference `{ __typename, id }`); `mapped` are other object
 * types whose resolvers receive a row of this subgraph's own.
 */
export const FILES_ENTITIES = {
  owned: ['BoxItem', 'ProjectDocument', 'KbChunk', 'BoxWebhookEvent'],
  listed: ['BoxItem', 'ProjectDocument', 'KbChunk', 'BoxWebhookEvent', 'SearchHit'],
  enums: ['BoxItemType', 'BoxPrincipalType', 'BoxCollaborationStatus'],
  mapped: {
    SearchHit: '../search.ts#SearchHit',
    SearchHitConnection: '../search.ts#SearchHitConnection',
    BoxPermission: '../reads.ts#PermissionRow',
  },
  referenced: ['Project', 'Contract', 'Grant', 'Organization', 'Person', 'Meeting', 'Trip', 'Action', 'Decision'],
  /** The prefix of each entity type's external IDs (`usr_…`), which names its type and owner (catalog/). */
  prefixes: { BoxItem: 'box', BoxWebhookEvent: 'whk', ProjectDocument: 'doc', KbChunk: 'kb' },
  /** Types that entity links may not point at or from (all others may). */
  unlinkable: ['BoxWebhookEvent'],
} as const;
