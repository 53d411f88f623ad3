/**
 * The identity subgraph's entities as plain names, read by codegen.ts (so no generated code is imported here):
 * `owned` have a folder each in entities/ and a Prisma model whose row their resolvers receive; `listed` are paged
 * through a connection; `enums` are the Prisma enums the schema exposes.
 */
export const IDENTITY_ENTITIES = {
  owned: ['User', 'Team', 'EntityPermission', 'ApiToken'],
  listed: ['User', 'Team'],
  enums: ['UserRole', 'AuthState', 'SubjectType', 'PermissionLevel', 'TokenKind'],
  referenced: [],
  /** The prefix of each entity type's external IDs (`usr_…`), which names its type and owner (catalog/). */
  prefixes: { User: 'usr', Team: 'team', EntityPermission: 'prm', ApiToken: 'tok' },
  /** Types that entity links may not point at or from (all others may). */
  unlinkable: ['EntityPermission', 'ApiToken'],
} as const;

export type IdentityTypename = (typeof IDENTITY_ENTITIES.owned)[number];
