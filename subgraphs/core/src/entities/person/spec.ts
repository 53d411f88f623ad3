import { optionalText, requiredText } from '@wrk/platform';
import type { PersonOrderField } from '../../__generated__/resolvers-types.ts';
import type { Prisma } from '../../db.ts';
import { optionalEmail } from '@wrk/platform';
import { listOrder } from '../../lists.ts';
import { viaPivot } from '../../visibility.ts';
import { defineEntity } from '../entity.ts';

export const person = defineEntity({
  typename: 'Person',
  model: 'person',
  visibility: { restrictable: false, inProjects: viaPivot },
  order: listOrder<PersonOrderField>({ FULL_NAME: 'fullName', EMAIL: 'email?', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' }, [
    { field: 'fullName', direction: 'asc' },
  ]),
  references: [],
  find: (db, where: Prisma.PersonWhereInput) => db.person.findMany({ where }),
  insert: (tx, columns, data: Omit<Prisma.PersonUncheckedCreateInput, keyof typeof columns>) =>
    tx.person.create({ data: { ...columns, ...data } }),
  update: (tx, id, data: Prisma.PersonUncheckedUpdateInput, attribution) =>
    tx.person.update({ where: { id }, data: { ...data, ...attribution } }),
});

export const fields = {
  fullName: (value: string | null) => requiredText('fullName', value ?? ''),
  email: (value: string | null) => optionalEmail('email', value),
  phone: (value: string | null) => optionalText('phone', value, 50),
  title: (value: string | null) => optionalText('title', value, 200),
};
