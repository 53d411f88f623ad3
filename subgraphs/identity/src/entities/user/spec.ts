import type { Prisma, User } from '../../__generated__/prisma/client.ts';
import type { IdentityEntitySpec, NewRowColumns } from '../service.ts';

export const userSpec: IdentityEntitySpec<User, Omit<Prisma.UserUncheckedCreateInput, keyof NewRowColumns>> = {
  typename: 'User',
  insert: (tx, columns, data) => tx.user.create({ data: { ...columns, ...data } }),
};
