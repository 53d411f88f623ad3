import type { Claims } from '@wrk/platform';

/** Who sees every row: admins, and the platform itself (CLI, jobs). */
export const seesEverything = (claims: Claims) => claims.kind === 'system' || claims.role === 'admin';

/**
 * The Prisma `where` that limits a model to the rows the caller may see. Every read path — lists and their
 * counts, by-ID loaders, relationships, references, links — builds on it, so none can leak.
 * - restricted rows (`visibility = restricted`): their owner, admins and grantees (entity_permissions) only;
 * - agent tokens with an allowlist: only the listed entities;
 * - anonymous callers: nothing.
 */
export function visibleRows(claims: Claims, model: { restrictable: boolean }): object {
  if (claims.kind === 'anonymous') return { id: { lt: 0 } };
  const conditions: object[] = [];
  if (model.restrictable && !seesEverything(claims)) {
    conditions.push({
      OR: [
        { visibility: 'internal' },
        ...(claims.sub ? [{ ownerUserId: claims.sub }] : []),
        ...(claims.grants?.length ? [{ externalId: { in: claims.grants } }] : []),
      ],
    });
  }
  if (claims.allow?.length) conditions.push({ externalId: { in: claims.allow } });
  return conditions.length ? { AND: conditions } : {};
}

/** Agent allowlists narrow links to those touching an allowed entity. */
export function visibleLinkRows(claims: Claims): object {
  if (claims.kind === 'anonymous') return { id: { lt: 0 } };
  return claims.allow?.length ? { OR: [{ fromId: { in: claims.allow } }, { toId: { in: claims.allow } }] } : {};
}

export const RESTRICTABLE = { restrictable: true };
export const OPEN = { restrictable: false };
