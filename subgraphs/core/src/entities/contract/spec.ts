import { dateOrNull, optionalText, requiredText } from '@wrk/platform';
import type { ContractOrderField } from '../../__generated__/resolvers-types.ts';
import { ContractStatus, type Visibility } from '../../__generated__/prisma/enums.ts';
import type { Prisma } from '../../db.ts';
import { listOrder } from '../../lists.ts';
import { viaReference } from '../../visibility.ts';
import { defineEntity } from '../entity.ts';

export const contract = defineEntity({
  typename: 'Contract',
  model: 'contract',
  visibility: { restrictable: true, inProjects: viaReference },
  order: listOrder<ContractOrderField>(
    {
      TITLE: 'title',
      START_DATE: 'startDate?',
      END_DATE: 'endDate?',
      VALUE: 'valueCents?',
      CREATED_AT: 'createdAt',
      UPDATED_AT: 'updatedAt',
    },
    [{ field: 'title', direction: 'asc' }],
  ),
  enums: { ContractStatus },
  references: [
    ['owner', 'User'],
    ['organization', 'Organization'],
    ['project', 'Project'],
    ['grant', 'Grant'],
  ],
  find: (db, where: Prisma.ContractWhereInput) => db.contract.findMany({ where }),
  insert: (tx, columns, data: Omit<Prisma.ContractUncheckedCreateInput, keyof typeof columns>) =>
    tx.contract.create({ data: { ...columns, ...data } }),
  update: (tx, id, data: Prisma.ContractUncheckedUpdateInput, attribution) =>
    tx.contract.update({ where: { id }, data: { ...data, ...attribution } }),
});

/** Converters of the input fields that map to a column of the same name. */
export const fields = {
  title: (value: string | null) => requiredText('title', value ?? ''),
  status: (value: ContractStatus | null) => value ?? 'draft',
  startDate: dateOrNull,
  endDate: dateOrNull,
  agreementTerms: (value: string | null) => optionalText('agreementTerms', value),
  billingTerms: (value: string | null) => optionalText('billingTerms', value),
  reportingTerms: (value: string | null) => optionalText('reportingTerms', value),
  complianceTerms: (value: string | null) => optionalText('complianceTerms', value),
  visibility: (value: Visibility | null) => value ?? 'internal',
};
