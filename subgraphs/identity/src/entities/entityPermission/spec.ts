import type { Prisma, EntityPermission } from '../../__generated__/prisma/client.ts';
import type { IdentityEntitySpec, NewRowColumns } from '../service.ts';

export const entityPermissionSpec: IdentityEntitySpec<
  EntityPermission,
  Omit<Prisma.EntityPermissionUncheckedCreateInput, keyof NewRowColumns>
> = {
  typename: 'EntityPermission',
  insert: (tx, columns, data) => tx.entityPermission.create({ data: { ...columns, ...data } }),
};
