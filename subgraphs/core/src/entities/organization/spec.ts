import { optionalText, requiredText } from '@wrk/platform';
import type { OrganizationOrderField } from '../../__generated__/resolvers-types.ts';
import type { Prisma } from '../../db.ts';
import { listOrder } from '../../lists.ts';
import { viaPivot } from '../../visibility.ts';
import { defineEntity } from '../entity.ts';

export const organization = defineEntity({
  typename: 'Organization',
  model: 'organization',
  visibility: { restrictable: false, inProjects: viaPivot },
  order: listOrder<OrganizationOrderField>({ NAME: 'name', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' }, [
    { field: 'name', direction: 'asc' },
  ]),
  references: [['contracts', 'Contract']],
  find: (db, where: Prisma.OrganizationWhereInput) => db.organization.findMany({ where }),
  insert: (tx, columns, data: Omit<Prisma.OrganizationUncheckedCreateInput, keyof typeof columns>) =>
    tx.organization.create({ data: { ...columns, ...data } }),
  update: (tx, id, data: Prisma.OrganizationUncheckedUpdateInput, attribution) =>
    tx.organization.update({ where: { id }, data: { ...data, ...attribution } }),
});

export const fields = {
  name: (value: string | null) => requiredText('name', value ?? ''),
  kind: (value: string | null) => optionalText('kind', value, 100),
  website: (value: string | null) => optionalText('website', value, 500),
};
