import type { Claims } from '@wrk/platform';

/** Who sees every row: admins, and the platform itself (CLI, jobs). */
export const seesEverything = (claims: Claims) => claims.kind === 'system' || claims.role === 'admin';

export interface VisibilityModel {
  restrictable: boolean;
  /** Rows of this model that belong to one of the given projects (for allowlists naming projects). */
  inProjects?: (projectIds: string[]) => object;
}

export const viaPivot = (projectIds: string[]) => ({ projects: { some: { project: { externalId: { in: projectIds } } } } });
export const viaReference = (projectIds: string[]) => ({ project: { is: { externalId: { in: projectIds } } } });


/**
 * The Prisma `where` that limits a model to the rows the caller may see. Every read path — lists and their
 * counts, by-ID loaders, relationships, references, links — builds on it, so none can leak.
 * - restricted rows (`visibility = restricted`): their owner, admins and grantees (entity_permissions) only;
 * - agent tokens with an allowlist: only the listed entities, and what belongs to a listed project;
 * - anonymous callers: nothing.
 */
export function visibleRows(claims: Claims, model: VisibilityModel): object {
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
  if (claims.allow?.length) {
    const projects = claims.allow.filter((id) => id.startsWith('prj_'));
    conditions.push({
      OR: [{ externalId: { in: claims.allow } }, ...(projects.length && model.inProjects ? [model.inProjects(projects)] : [])],
    });
  }
  return conditions.length ? { AND: conditions } : {};
}

/** Agent allowlists narrow links to those touching an allowed entity. */
export function visibleLinkRows(claims: Claims): object {
  if (claims.kind === 'anonymous') return { id: { lt: 0 } };
  return claims.allow?.length ? { OR: [{ fromId: { in: claims.allow } }, { toId: { in: claims.allow } }] } : {};
}

