import { prefixOf } from '@wrk/catalog';
import { seesEverything, type Claims } from '@wrk/platform';

/** Rows of a model that belong to one of the given projects, as the model reaches projects (pivot or reference). */
export type InProjects = ReturnType<typeof viaPivot> | ReturnType<typeof viaReference> | ReturnType<typeof viaParent>;

export interface VisibilityModel<P extends InProjects = InProjects> {
  restrictable: boolean;
  /** Rows of this model that belong to one of the given projects (for allowlists naming projects). */
  inProjects?: (projectIds: string[]) => P;
}

export const viaPivot = (projectIds: string[]) => ({ projects: { some: { project: { externalId: { in: projectIds } } } } });
export const viaReference = (projectIds: string[]) => ({ project: { is: { externalId: { in: projectIds } } } });
/** A project's own rows under a listed project: its workstreams. */
export const viaParent = (projectIds: string[]) => ({ parent: { is: { externalId: { in: projectIds } } } });

/**
 * The `where` visibility builds, assignable to the model's `Prisma.<Model>WhereInput`: columns every core model
 * has (visibility and owner only on restrictable ones), and the model's own way of belonging to projects.
 */
export interface RowFilter<P extends InProjects = InProjects> {
  id?: { lt: number };
  visibility?: 'internal';
  ownerUserId?: string;
  externalId?: { in: string[] };
  AND?: RowFilter<P>[];
  OR?: (RowFilter<P> | P)[];
}

/** The `where` of links visibility builds. */
export interface LinkFilter {
  id?: { lt: number };
  OR?: ({ fromId: { in: string[] } } | { toId: { in: string[] } })[];
}

const PROJECT_PREFIX = `${prefixOf('Project')}_`;

/**
 * The Prisma `where` that limits a model to the rows the caller may see. Every read path — lists and their
 * counts, by-ID loaders, relationships, references, links — builds on it, so none can leak.
 * - restricted rows (`visibility = restricted`): their owner, admins and grantees (entity_permissions) only;
 * - agent tokens with an allowlist: only the listed entities, and what belongs to a listed project;
 * - anonymous callers: nothing.
 */
export function visibleRows<P extends InProjects>(claims: Claims, model: VisibilityModel<P>): RowFilter<P> {
  if (claims.kind === 'anonymous') return { id: { lt: 0 } };
  const conditions: RowFilter<P>[] = [];
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
    const projects = claims.allow.filter((id) => id.startsWith(PROJECT_PREFIX));
    conditions.push({
      OR: [{ externalId: { in: claims.allow } }, ...(projects.length && model.inProjects ? [model.inProjects(projects)] : [])],
    });
  }
  return conditions.length ? { AND: conditions } : {};
}

/** Agent allowlists narrow links to those touching an allowed entity. */
export function visibleLinkRows(claims: Claims): LinkFilter {
  if (claims.kind === 'anonymous') return { id: { lt: 0 } };
  return claims.allow?.length ? { OR: [{ fromId: { in: claims.allow } }, { toId: { in: claims.allow } }] } : {};
}
