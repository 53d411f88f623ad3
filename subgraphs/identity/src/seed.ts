import { DEMO } from '@wrk/demo';
import { LONG_TRANSACTION } from '@wrk/platform';
import type { IdentityDb } from './db.ts';

const by = { actor: 'seed', sourceSystem: 'seed' };

/** Demo users and a team, once: does nothing when the slice already has users. */
export async function seedIdentity(db: IdentityDb): Promise<boolean> {
  if ((await db.user.count()) > 0) return false;
  await db.$transaction(async (tx) => {
    await tx.user.createMany({
      data: [
        { externalId: DEMO.users.admin, email: 'admin@wrk.demo', name: 'Avery Admin', role: 'admin', boxUserId: '1001', ...by },
        { externalId: DEMO.users.staff, email: 'staff@wrk.demo', name: 'Sam Staff', role: 'staff', boxUserId: '1002', ...by },
        {
          externalId: DEMO.users.restricted,
          email: 'restricted@wrk.demo',
          name: 'Riley Restricted',
          role: 'restricted',
          boxUserId: '1003',
          ...by,
        },
      ],
    });
    const team = await tx.team.create({ data: { externalId: DEMO.teams.contracts, name: 'Contracts', slug: 'contracts', ...by } });
    const staff = await tx.user.findUniqueOrThrow({ where: { externalId: DEMO.users.staff } });
    await tx.teamMembership.create({ data: { teamId: team.id, userId: staff.id, role: 'member', ...by } });
    // Restricted entities are seen by their owner and admins; these grants open two of them to staff.
    await tx.entityPermission.createMany({
      data: [
        {
          externalId: DEMO.permissions.staffReadsNorthwindSow,
          entityType: 'Contract',
          entityId: DEMO.contracts.northwindSow,
          subjectType: 'user',
          subjectId: DEMO.users.staff,
          permission: 'read',
          grantedBy: DEMO.users.admin,
          ...by,
        },
        {
          externalId: DEMO.permissions.contractsTeamReadsBoard,
          entityType: 'Meeting',
          entityId: DEMO.meetings.board,
          subjectType: 'team',
          subjectId: DEMO.teams.contracts,
          permission: 'read',
          grantedBy: DEMO.users.admin,
          ...by,
        },
      ],
    });
  }, LONG_TRANSACTION);
  return true;
}
