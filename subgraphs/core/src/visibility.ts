import { entityTypeOfId } from '@wrk/catalog';
import { seesEverything, type Claims } from '@wrk/platform';

export interface VisibilityModel {
  restrictable: boolean;
  /** Rows of this model that belong to one of the given projects (for allowlists naming projects). */
  inProjects?: (projectIds: string[]) => object;
}

const viaPivot = (projectIds: string[]) => ({ projects: { some: { project: { externalId: { in: projectIds } } } } });
const viaReference = (projectIds: string[]) => ({ project: { is: { externalId: { in: projectIds } } } });

/** Each core model: whether it can be restricted, and how its rows belong to projects. */
export const MODELS = {
  person: { restrictable: false, inProjects: viaPivot },
  organization: { restrictable: false, inProjects: viaPivot },
  meeting: { restrictable: true, inProjects: viaPivot },
  project: { restrictable: true, inProjects: (ids: string[]) => ({ parent: { is: { externalId: { in: ids } } } }) },
  contract: { restrictable: true, inProjects: viaReference },
  trip: { restrictable: false, inProjects: viaPivot },
  grant: { restrictable: true, inProjects: viaPivot },
  action: { restrictable: false, inProjects: viaReference },
  decision: { restrictable: true, inProjects: viaReference },
} satisfies Record<string, VisibilityModel>;
export type CoreModel = keyof typeof MODELS;

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
    const projects = claims.allow.filter((id) => entityTypeOfId(id)?.typename === 'Project');
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

