import { dateOrNull, optionalText, requiredText } from '@wrk/platform';
import type { ProjectOrderField } from '../../__generated__/resolvers-types.ts';
import { ProjectKind, ProjectStatus, type Visibility } from '../../__generated__/prisma/enums.ts';
import type { Prisma } from '../../db.ts';
import { listOrder } from '../../lists.ts';
import { viaParent } from '../../visibility.ts';
import { defineEntity } from '../entity.ts';

export const project = defineEntity({
  typename: 'Project',
  model: 'project',
  visibility: { restrictable: true, inProjects: viaParent },
  order: listOrder<ProjectOrderField>(
    { NAME: 'name', START_DATE: 'startDate?', END_DATE: 'endDate?', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' },
    [{ field: 'name', direction: 'asc' }],
  ),
  enums: { ProjectKind, ProjectStatus },
  references: [
    ['owner', 'User'],
    ['parent', 'Project'],
    ['children', 'Project'],
    ['contracts', 'Contract'],
    ['actions', 'Action'],
    ['decisions', 'Decision'],
  ],
  find: (db, where: Prisma.ProjectWhereInput) => db.project.findMany({ where }),
  insert: (tx, columns, data: Omit<Prisma.ProjectUncheckedCreateInput, keyof typeof columns>) =>
    tx.project.create({ data: { ...columns, ...data } }),
  update: (tx, id, data: Prisma.ProjectUncheckedUpdateInput, attribution) =>
    tx.project.update({ where: { id }, data: { ...data, ...attribution } }),
});

export const fields = {
  name: (value: string | null) => requiredText('name', value ?? ''),
  kind: (value: ProjectKind | null) => value ?? 'project',
  status: (value: ProjectStatus | null) => value ?? 'active',
  description: (value: string | null) => optionalText('description', value),
  startDate: dateOrNull,
  endDate: dateOrNull,
  visibility: (value: Visibility | null) => value ?? 'internal',
};
