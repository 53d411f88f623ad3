import type { Prisma, Team } from '../../__generated__/prisma/client.ts';
import type { IdentityEntitySpec, NewRowColumns } from '../service.ts';

export const teamSpec: IdentityEntitySpec<Team, Omit<Prisma.TeamUncheckedCreateInput, keyof NewRowColumns>> = {
  typename: 'Team',
  insert: (tx, columns, data) => tx.team.create({ data: { ...columns, ...data } }),
};
