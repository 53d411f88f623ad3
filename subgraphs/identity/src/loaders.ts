import { groupLoader, rowLoader } from '@wrk/platform';
import type { IdentityDb } from './db.ts';

/** Per-request DataLoaders: one batched query per relationship per tick, whatever the list size. */
export function createLoaders(db: IdentityDb) {
  return {
    user: rowLoader(
      (ids: string[]) => db.user.findMany({ where: { externalId: { in: ids } } }),
      (row) => row.externalId,
    ),
    userById: rowLoader(
      (ids: number[]) => db.user.findMany({ where: { id: { in: ids } } }),
      (row) => row.id,
    ),
    team: rowLoader(
      (ids: string[]) => db.team.findMany({ where: { externalId: { in: ids } } }),
      (row) => row.externalId,
    ),
    teamsOfUser: groupLoader(
      (userIds: number[]) =>
        db.teamMembership.findMany({ where: { userId: { in: userIds } }, include: { team: true }, orderBy: { teamId: 'asc' } }),
      (membership) => membership.userId,
    ),
    membersOfTeam: groupLoader(
      (teamIds: number[]) =>
        db.teamMembership.findMany({ where: { teamId: { in: teamIds } }, include: { user: true }, orderBy: { userId: 'asc' } }),
      (membership) => membership.teamId,
    ),
    permissionsOfEntity: groupLoader(
      (entityIds: string[]) => db.entityPermission.findMany({ where: { entityId: { in: entityIds } }, orderBy: { id: 'asc' } }),
      (permission) => permission.entityId,
    ),
  };
}

export type IdentityLoaders = ReturnType<typeof createLoaders>;
