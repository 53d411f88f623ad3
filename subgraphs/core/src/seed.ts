import { DEMO } from '@wrk/demo';
import type { CoreDb, Tx } from './db.ts';

// ~50 statements one after the other: on a loaded machine they outlast Prisma's default 5 s for a transaction.
const SEED_TRANSACTION_TIMEOUT_MS = 60_000;
const inSeedTransaction = (db: CoreDb, work: (tx: Tx) => Promise<void>) => db.$transaction(work, { timeout: SEED_TRANSACTION_TIMEOUT_MS });

const by = { actor: 'seed', sourceSystem: 'seed' };
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/**
 * A small coherent demo organisation, once: organisations and their people, a project tree, meetings with
 * actions and decisions, contracts, a grant, a trip, and entity links into files, agents and identity.
 */
export async function seedCore(db: CoreDb): Promise<boolean> {
  if ((await db.organization.count()) > 0) return false;
  await inSeedTransaction(db, async (tx) => {
    const acme = await tx.organization.create({
      data: { externalId: DEMO.organizations.acme, name: 'Acme Corporation', kind: 'client', website: 'https://acme.example', ...by },
    });
    const northwind = await tx.organization.create({
      data: { externalId: DEMO.organizations.northwind, name: 'Northwind Traders', kind: 'partner', ...by },
    });
    const fundation = await tx.organization.create({
      data: { externalId: DEMO.organizations.fundation, name: 'The Fundation', kind: 'funder', ...by },
    });
    const ada = await tx.person.create({
      data: { externalId: DEMO.people.ada, fullName: 'Ada Lovelace', email: 'ada@acme.example', title: 'CTO', ...by },
    });
    const grace = await tx.person.create({
      data: { externalId: DEMO.people.grace, fullName: 'Grace Hopper', email: 'grace@northwind.example', title: 'Buyer', ...by },
    });
    const linus = await tx.person.create({
      data: {
        externalId: DEMO.people.linus,
        fullName: 'Linus Pauling',
        email: 'linus@fundation.example',
        title: 'Programme officer',
        ...by,
      },
    });
    await tx.organizationPerson.createMany({
      data: [
        { organizationId: acme.id, personId: ada.id, role: 'CTO', ...by },
        { organizationId: northwind.id, personId: grace.id, role: 'Buyer', ...by },
        { organizationId: fundation.id, personId: linus.id, role: 'Programme officer', ...by },
      ],
    });

    const owner = { ownerUserId: DEMO.users.staff };
    const platform = await tx.project.create({
      data: {
        externalId: DEMO.projects.platform,
        name: 'Acme Platform Rollout',
        kind: 'project',
        status: 'active',
        description: 'Roll out the WRK platform at Acme.',
        startDate: day('2026-09-01'),
        ...owner,
        ...by,
      },
    });
    const onboarding = await tx.project.create({
      data: {
        externalId: DEMO.projects.onboarding,
        name: 'Onboarding workstream',
        kind: 'workstream',
        parentId: platform.id,
        ...owner,
        ...by,
      },
    });
    const summit = await tx.project.create({
      data: { externalId: DEMO.projects.summit, name: 'Partner Summit 2027', kind: 'event', status: 'planned', ...owner, ...by },
    });
    await tx.project.create({
      data: {
        externalId: DEMO.projects.skunkworks,
        name: 'Skunkworks',
        kind: 'product',
        visibility: 'restricted',
        ownerUserId: DEMO.users.admin,
        ...by,
      },
    });
    await tx.projectOrganization.createMany({
      data: [
        { projectId: platform.id, organizationId: acme.id, role: 'client', ...by },
        { projectId: summit.id, organizationId: northwind.id, role: 'co-host', ...by },
      ],
    });
    await tx.projectPerson.create({ data: { projectId: platform.id, personId: ada.id, role: 'sponsor', ...by } });
    await tx.projectUser.createMany({
      data: [
        { projectId: platform.id, userId: DEMO.users.staff, role: 'owner', ...by },
        { projectId: onboarding.id, userId: DEMO.users.admin, role: 'contributor', ...by },
      ],
    });

    const grant = await tx.grant.create({
      data: {
        externalId: DEMO.grants.innovation,
        title: 'Innovation Fund 2026',
        status: 'awarded',
        amountCents: 25_000_000n,
        currency: 'EUR',
        startDate: day('2026-07-01'),
        endDate: day('2027-06-30'),
        reportingDueDate: day('2027-01-31'),
        ...owner,
        ...by,
      },
    });
    await tx.organizationGrant.create({ data: { organizationId: fundation.id, grantId: grant.id, role: 'funder', ...by } });
    await tx.grant.create({
      data: {
        externalId: DEMO.grants.confidential,
        title: 'Confidential bridge funding',
        status: 'applied',
        visibility: 'restricted',
        ownerUserId: DEMO.users.admin,
        ...by,
      },
    });
    await tx.projectGrant.create({ data: { projectId: platform.id, grantId: grant.id, ...by } });

    await tx.contract.create({
      data: {
        externalId: DEMO.contracts.acmeMsa,
        title: 'Acme Master Services Agreement',
        status: 'active',
        organizationId: acme.id,
        projectId: platform.id,
        grantId: grant.id,
        startDate: day('2026-09-01'),
        endDate: day('2027-08-31'),
        valueCents: 12_000_000n,
        currency: 'EUR',
        agreementTerms: 'Platform rollout and support.',
        billingTerms: 'Quarterly in advance, net 30.',
        reportingTerms: 'Monthly status report.',
        complianceTerms: 'GDPR data processing addendum.',
        ...owner,
        ...by,
      },
    });
    await tx.contract.create({
      data: {
        externalId: DEMO.contracts.northwindSow,
        title: 'Northwind Statement of Work',
        status: 'draft',
        organizationId: northwind.id,
        projectId: summit.id,
        visibility: 'restricted',
        ownerUserId: DEMO.users.admin,
        ...by,
      },
    });

    const trip = await tx.trip.create({
      data: {
        externalId: DEMO.trips.berlin,
        title: 'Acme on-site in Berlin',
        destination: 'Berlin',
        status: 'booked',
        startsOn: day('2026-12-07'),
        endsOn: day('2026-12-09'),
        ...by,
      },
    });
    await tx.projectTrip.create({ data: { projectId: platform.id, tripId: trip.id, ...by } });
    await tx.tripUser.create({ data: { tripId: trip.id, userId: DEMO.users.staff, role: 'traveler', ...by } });

    const kickoff = await tx.meeting.create({
      data: {
        externalId: DEMO.meetings.kickoff,
        title: 'Acme kickoff',
        startsAt: new Date('2026-09-02T09:00:00Z'),
        endsAt: new Date('2026-09-02T10:00:00Z'),
        isExternal: true,
        location: 'Acme HQ',
        ...owner,
        ...by,
      },
    });
    await tx.meeting.create({
      data: {
        externalId: DEMO.meetings.board,
        title: 'Board: budget review',
        startsAt: new Date('2026-10-15T14:00:00Z'),
        visibility: 'restricted',
        ownerUserId: DEMO.users.admin,
        ...by,
      },
    });
    await tx.meetingPerson.create({ data: { meetingId: kickoff.id, personId: ada.id, role: 'attendee', ...by } });
    await tx.meetingOrganization.create({ data: { meetingId: kickoff.id, organizationId: acme.id, ...by } });
    await tx.meetingProject.create({ data: { meetingId: kickoff.id, projectId: platform.id, ...by } });
    await tx.meetingUser.createMany({
      data: [
        { meetingId: kickoff.id, userId: DEMO.users.staff, role: 'owner', ...by },
        { meetingId: kickoff.id, userId: DEMO.users.admin, role: 'participant', ...by },
      ],
    });
    await tx.action.create({
      data: {
        externalId: DEMO.actions.sendDraft,
        title: 'Send the draft rollout plan to Ada',
        status: 'open',
        dueOn: day('2026-09-09'),
        assigneeUserId: DEMO.users.staff,
        creatorUserId: DEMO.users.admin,
        meetingId: kickoff.id,
        projectId: platform.id,
        ...by,
      },
    });
    await tx.decision.create({
      data: {
        externalId: DEMO.decisions.goAhead,
        title: 'Go ahead with a phased rollout',
        summary: 'Phase 1: onboarding team; phase 2: everyone.',
        decidedOn: day('2026-09-02'),
        meetingId: kickoff.id,
        projectId: platform.id,
        ...owner,
        ...by,
      },
    });

    await tx.decision.create({
      data: {
        externalId: DEMO.decisions.layoffs,
        title: 'Restructure the support team',
        summary: 'Confidential until announced.',
        decidedOn: day('2026-10-15'),
        visibility: 'restricted',
        ownerUserId: DEMO.users.admin,
        ...by,
      },
    });

    const link = (suffix: string, fromType: string, fromId: string, toType: string, toId: string, linkType: string) => ({
      externalId: `lnk_demo${suffix}`,
      fromType,
      fromId,
      toType,
      toId,
      linkType,
      createdBy: 'seed',
      source: 'seed',
      ...by,
    });
    await tx.entityLink.createMany({
      data: [
        link('msafile0001', 'Contract', DEMO.contracts.acmeMsa, 'BoxItem', DEMO.boxItems.acmeMsaFile, 'signed_copy'),
        link('msareview01', 'Contract', DEMO.contracts.acmeMsa, 'AgentRun', DEMO.agentRuns.review, 'reviewed_by'),
        link('msaowner001', 'Contract', DEMO.contracts.acmeMsa, 'User', DEMO.users.staff, 'account_manager'),
        link('kickoffdoc1', 'Meeting', DEMO.meetings.kickoff, 'ProjectDocument', DEMO.projectDocuments.acmeMsa, 'discussed'),
        link('runproject1', 'AgentRun', DEMO.agentRuns.review, 'Project', DEMO.projects.platform, 'context'),
        // Links into restricted entities: whoever cannot see the target must not see the link either.
        link('msatonwsow1', 'Contract', DEMO.contracts.acmeMsa, 'Contract', DEMO.contracts.northwindSow, 'related_contract'),
        link('boxtoskunk1', 'BoxItem', DEMO.boxItems.acmeMsaFile, 'Project', DEMO.projects.skunkworks, 'filed_under'),
      ],
    });
  });
  return true;
}
