import { BoxState, prng, type CollaborationRole, type CollaborationStatus } from '@wrk/fake-box';
import { DEMO } from './index.ts';

/**
 * The demo organisation's Box enterprise, as the fake Box API serves it to `pnpm start` and the tests. Deterministic:
 * the same IDs, names, texts and timestamps on every build. Box user IDs are the ones identity's seed gives the demo
 * users (boxUserId), and the contracts folder and Acme MSA file keep the Box IDs of files' seed.
 */
export const DEMO_BOX = {
  enterpriseId: '900000',
  users: {
    admin: '1001',
    staff: '1002',
    restricted: '1003',
    legal: '1004',
    finance: '1005',
    events: '1006',
    engineer: '1007',
  },
  groups: { legal: '5001', finance: '5002', engineering: '5003', allStaff: '5004' },
  folders: {
    contracts: '318000000001',
    amendments: '318000000002',
    correspondence: '318000000003',
    projects: '318000000010',
    platform: '318000000011',
    onboarding: '318000000012',
    summit: '318000000013',
    skunkworks: '318000000014',
    northwind: '318000000020',
    finance: '318000000030',
    grants: '318000000031',
    confidential: '318000000032',
    invoices: '318000000033',
    board: '318000000040',
    archive: '318000000050',
  },
  files: {
    acmeMsa: '1450000000001',
    acmeAmendment: '1450000000002',
    platformPlan: '1450000000010',
    platformArchitecture: '1450000000011',
    onboardingGuide: '1450000000012',
    summitBrief: '1450000000013',
    berlinTrip: '1450000000014',
    skunkworksIdeas: '1450000000015',
    northwindSow: '1450000000020',
    innovationGrant: '1450000000031',
    bridgeFunding: '1450000000032',
    boardMinutes: '1450000000040',
  },
  /** Box item ID → WRK external ID of the rows the demo fixtures already have (the sync keeps them). */
  externalIds: {
    '318000000001': DEMO.boxItems.contractsFolder,
    '1450000000001': DEMO.boxItems.acmeMsaFile,
  },
} as const;

const F = DEMO_BOX.folders;
const U = DEMO_BOX.users;
const G = DEMO_BOX.groups;

/** Texts of the documents search finds: real sentences about the demo projects, contracts and grants. */
const DOCUMENTS = {
  acmeMsa:
    'Master Services Agreement between Acme Corporation ("Client") and WRK for the rollout and support of the WRK platform.\n\n' +
    'Term. This agreement takes effect on 1 September 2026 and ends on 31 August 2027. It renews for one year unless either party gives ninety days written notice.\n\n' +
    'Fees. The fees are EUR 120,000.00, invoiced quarterly in advance and payable net 30.\n\n' +
    'Reporting. The supplier reports monthly on the status of the rollout, open risks and support tickets.\n\n' +
    'Data protection. Personal data is processed under the GDPR data processing addendum attached as Schedule 2.\n',
  acmeAmendment:
    '# Amendment 1 to the Acme MSA\n\nThe parties agree to extend on-site support in Berlin by two weeks in October 2026. ' +
    'The additional fee of EUR 8,000.00 is invoiced with the next quarterly invoice. All other terms of the Master Services Agreement stay unchanged.\n',
  platformPlan:
    '# Acme Platform Rollout: plan\n\nThe rollout goes ahead in two phases. Phase 1 brings the onboarding team onto WRK in September; ' +
    "phase 2 opens the platform to everyone at Acme in November.\n\nAda Lovelace, Acme's CTO, sponsors the project. " +
    'Sam Staff owns the plan and sends the draft to Ada before the kickoff meeting.\n\n## Risks\n- Single sign-on is not configured yet.\n- The support team is being restructured.\n',
  platformArchitecture:
    '# Architecture notes\n\nWRK runs as a federated GraphQL gateway over four subgraphs. Acme connects its Box enterprise so that ' +
    'contracts and project documents stay in Box while WRK mirrors their metadata and permissions.\n',
  onboardingGuide:
    'Onboarding workstream guide\n\nWelcome to the Acme onboarding workstream. During the first week every new user completes the ' +
    'WRK basics course, sets up two-factor sign-in and joins the weekly onboarding call on Thursdays at 10:00.\n',
  summitBrief:
    '# Partner Summit 2027\n\nNorthwind Traders co-hosts the Partner Summit in spring 2027. The summit presents the WRK roadmap to partners ' +
    'and collects feedback on the Northwind statement of work. Venue options are Berlin and Lisbon.\n',
  berlinTrip:
    'Trip: Acme on-site in Berlin\n\nThe team travels to Berlin for the Acme kickoff. Flights leave on Monday morning; ' +
    'the hotel is booked for three nights near the Acme office. Receipts go to the Finance folder within a week of the trip.\n',
  skunkworksIdeas:
    'Skunkworks ideas (confidential)\n\nA prototype of an offline WRK client that syncs project documents from Box. Nobody outside the ' +
    'skunkworks team may see this document until the board decides.\n',
  northwindSow:
    '# Northwind Statement of Work (draft)\n\nNorthwind Traders engages WRK to plan and run the Partner Summit 2027. ' +
    'Deliverables: a venue shortlist, the agenda, speaker management and the post-event report. Grace Hopper is the buyer at Northwind.\n',
  innovationGrant:
    'Innovation Fund 2026 application\n\nThe Fundation awards EUR 250,000.00 to the Acme Platform Rollout from 1 July 2026 to 30 June 2027. ' +
    'The first report to Linus Pauling, programme officer, is due on 31 January 2027 and covers adoption figures and spending.\n',
  bridgeFunding:
    'Confidential bridge funding\n\nAn application for bridge funding has been filed. Only the admin team may read it until the funder answers.\n',
  boardMinutes:
    '# Board: budget review\n\nThe board reviewed the 2027 budget. It approved a phased rollout at Acme and asked for a plan to restructure ' +
    'the support team, which stays confidential until it is announced.\n',
} as const;

interface Collab {
  item: string;
  to: { type: 'user' | 'group'; id: string };
  role: CollaborationRole;
  status?: CollaborationStatus;
  expiresAt?: Date;
  isAccessOnly?: boolean;
}

const COLLABORATIONS: Collab[] = [
  // The contracts folder's ACL as files' seed projects it, plus Legal.
  { item: F.contracts, to: { type: 'user', id: U.admin }, role: 'co-owner' },
  { item: F.contracts, to: { type: 'user', id: U.staff }, role: 'editor' },
  { item: F.contracts, to: { type: 'group', id: G.legal }, role: 'viewer' },
  { item: F.platform, to: { type: 'group', id: G.engineering }, role: 'editor' },
  { item: F.platform, to: { type: 'user', id: U.staff }, role: 'editor' },
  // Inherited by everything below Onboarding: the restricted user sees this subtree and nothing else of the project.
  { item: F.onboarding, to: { type: 'user', id: U.restricted }, role: 'viewer' },
  { item: F.summit, to: { type: 'user', id: U.events }, role: 'editor' },
  { item: F.summit, to: { type: 'user', id: U.staff }, role: 'viewer uploader' },
  { item: F.summit, to: { type: 'user', id: U.restricted }, role: 'editor', status: 'pending' },
  { item: F.summit, to: { type: 'user', id: U.finance }, role: 'viewer', expiresAt: new Date('2026-06-30T00:00:00Z') },
  { item: F.skunkworks, to: { type: 'user', id: U.admin }, role: 'co-owner' },
  { item: F.northwind, to: { type: 'group', id: G.legal }, role: 'previewer' },
  { item: DEMO_BOX.files.northwindSow, to: { type: 'user', id: U.staff }, role: 'viewer' },
  { item: F.finance, to: { type: 'group', id: G.finance }, role: 'editor' },
  { item: F.grants, to: { type: 'user', id: U.staff }, role: 'viewer uploader' },
  { item: F.confidential, to: { type: 'user', id: U.admin }, role: 'co-owner', isAccessOnly: true },
  { item: F.board, to: { type: 'user', id: U.admin }, role: 'co-owner' },
  { item: F.board, to: { type: 'group', id: G.legal }, role: 'previewer uploader' },
  { item: F.archive, to: { type: 'group', id: G.allStaff }, role: 'viewer' },
];

/** A clock that ticks a minute per change while the demo is built, then tells real time. */
function buildClock(): { now: () => Date; release: () => void } {
  let t = Date.parse('2026-08-01T08:00:00Z');
  let building = true;
  return {
    now: () => {
      if (!building) return new Date();
      t += 60_000;
      return new Date(t);
    },
    release: () => {
      building = false;
    },
  };
}

/** The demo organisation's Box: users, groups, a few hundred items in nested folders, collaborations and texts. */
export function createDemoBox(): BoxState {
  const clock = buildClock();
  const state = new BoxState({ enterpriseId: DEMO_BOX.enterpriseId, now: clock.now });
  addPeople(state);
  addTree(state);
  for (const c of COLLABORATIONS) {
    state.addCollaboration({
      itemId: c.item,
      accessibleBy: c.to,
      role: c.role,
      status: c.status,
      expiresAt: c.expiresAt,
      isAccessOnly: c.isAccessOnly,
    });
  }
  state.setSharedLink(F.archive, { access: 'company', effectivePermission: 'can_download' });
  clock.release();
  return state;
}

function addPeople(state: BoxState): void {
  const people: [string, string, string, 'admin' | 'user'][] = [
    [U.admin, 'Avery Admin', 'admin@wrk.demo', 'admin'],
    [U.staff, 'Sam Staff', 'staff@wrk.demo', 'user'],
    [U.restricted, 'Riley Restricted', 'restricted@wrk.demo', 'user'],
    [U.legal, 'Jordan Legal', 'legal@wrk.demo', 'user'],
    [U.finance, 'Morgan Finance', 'finance@wrk.demo', 'user'],
    [U.events, 'Casey Events', 'events@wrk.demo', 'user'],
    [U.engineer, 'Taylor Engineer', 'engineer@wrk.demo', 'user'],
  ];
  for (const [id, name, login, role] of people) state.addUser({ id, name, login, role });
  const groups: [string, string, string[]][] = [
    [G.legal, 'Legal', [U.admin, U.legal]],
    [G.finance, 'Finance', [U.finance, U.admin]],
    [G.engineering, 'Engineering', [U.staff, U.engineer]],
    [G.allStaff, 'All Staff', [U.admin, U.staff, U.legal, U.finance, U.events, U.engineer]],
  ];
  for (const [id, name, members] of groups) {
    state.addGroup({ id, name });
    for (const userId of members) state.addGroupMember(id, userId);
  }
}

function addTree(state: BoxState): void {
  const folder = (id: string, name: string, parentId: string, ownerId: string = U.admin) =>
    state.createFolder({ id, name, parentId, ownerId });
  const file = (id: string | undefined, name: string, parentId: string, content: string, ownerId: string = U.admin) =>
    state.uploadFile({ id, name, parentId, content, ownerId });

  folder(F.contracts, 'Acme Contracts', '0');
  file(DEMO_BOX.files.acmeMsa, 'Acme MSA 2026.pdf', F.contracts, DOCUMENTS.acmeMsa);
  folder(F.amendments, 'Amendments', F.contracts);
  file(DEMO_BOX.files.acmeAmendment, 'Amendment 1.md', F.amendments, DOCUMENTS.acmeAmendment);
  folder(F.correspondence, 'Correspondence', F.contracts);
  for (const quarter of ['Q2', 'Q3']) {
    const year =
      state.children(state.item(F.correspondence)).find((c) => c.name === '2026') ??
      state.createFolder({ name: '2026', parentId: F.correspondence, ownerId: U.admin });
    const q = state.createFolder({ name: quarter, parentId: year.id, ownerId: U.admin });
    for (let i = 1; i <= 6; i++) {
      file(
        undefined,
        `Email ${quarter}-${i}.txt`,
        q.id,
        `Email ${i} of ${quarter} 2026 with Acme about the Master Services Agreement: questions on invoicing and the Berlin on-site week.`,
      );
    }
  }

  folder(F.projects, 'Projects', '0');
  folder(F.platform, 'Acme Platform Rollout', F.projects, U.staff);
  file(DEMO_BOX.files.platformPlan, 'Rollout plan.md', F.platform, DOCUMENTS.platformPlan, U.staff);
  const specs = state.createFolder({ name: 'Specs', parentId: F.platform, ownerId: U.staff });
  file(DEMO_BOX.files.platformArchitecture, 'Architecture.md', specs.id, DOCUMENTS.platformArchitecture, U.staff);
  const notes = state.createFolder({ name: 'Meeting Notes', parentId: F.platform, ownerId: U.staff });
  for (let week = 1; week <= 16; week++) {
    file(
      undefined,
      `Week ${String(week).padStart(2, '0')} status.md`,
      notes.id,
      `# Week ${week} status\n\nThe Acme rollout is on track in week ${week}. Open items: single sign-on and the support rota.\n`,
      U.staff,
    );
  }
  folder(F.onboarding, 'Onboarding', F.platform, U.staff);
  file(DEMO_BOX.files.onboardingGuide, 'Onboarding guide.txt', F.onboarding, DOCUMENTS.onboardingGuide, U.staff);
  const training = state.createFolder({ name: 'Training', parentId: F.onboarding, ownerId: U.staff });
  for (let week = 1; week <= 3; week++) {
    const w = state.createFolder({ name: `Week ${week}`, parentId: training.id, ownerId: U.staff });
    for (let day = 1; day <= 5; day++)
      file(
        undefined,
        `Day ${day} exercises.md`,
        w.id,
        `Training week ${week}, day ${day}: exercises for new WRK users at Acme.\n`,
        U.staff,
      );
  }
  folder(F.summit, 'Partner Summit 2027', F.projects, U.events);
  file(DEMO_BOX.files.summitBrief, 'Summit brief.md', F.summit, DOCUMENTS.summitBrief, U.events);
  const travel = state.createFolder({ name: 'Travel', parentId: F.summit, ownerId: U.events });
  const berlin = state.createFolder({ name: 'Berlin', parentId: travel.id, ownerId: U.events });
  file(DEMO_BOX.files.berlinTrip, 'Berlin trip.txt', berlin.id, DOCUMENTS.berlinTrip, U.events);
  folder(F.skunkworks, 'Skunkworks', F.projects);
  file(DEMO_BOX.files.skunkworksIdeas, 'Ideas.md', F.skunkworks, DOCUMENTS.skunkworksIdeas);

  folder(F.northwind, 'Northwind', '0');
  file(DEMO_BOX.files.northwindSow, 'Northwind SOW.md', F.northwind, DOCUMENTS.northwindSow);

  folder(F.finance, 'Finance', '0', U.finance);
  folder(F.grants, 'Grants', F.finance, U.finance);
  file(DEMO_BOX.files.innovationGrant, 'Innovation Fund 2026.txt', F.grants, DOCUMENTS.innovationGrant, U.finance);
  folder(F.confidential, 'Confidential', F.finance);
  file(DEMO_BOX.files.bridgeFunding, 'Bridge funding.txt', F.confidential, DOCUMENTS.bridgeFunding);
  folder(F.invoices, 'Invoices', F.finance, U.finance);
  for (const month of ['2026-09', '2026-10', '2026-11', '2026-12']) {
    const m = state.createFolder({ name: month, parentId: F.invoices, ownerId: U.finance });
    for (let i = 1; i <= 10; i++)
      file(
        undefined,
        `Invoice ${month}-${String(i).padStart(3, '0')}.txt`,
        m.id,
        `Invoice ${i} of ${month} to Acme Corporation, payable net 30.\n`,
        U.finance,
      );
  }

  folder(F.board, 'Board', '0');
  file(DEMO_BOX.files.boardMinutes, 'Budget review minutes.md', F.board, DOCUMENTS.boardMinutes);

  folder(F.archive, 'Archive', '0');
  addArchive(state);
}

/** Bulk: years → quarters → months of old reports, so the demo tree has a few hundred items. */
function addArchive(state: BoxState): void {
  const rand = prng(2026);
  const topics = ['status report', 'budget', 'meeting notes', 'risk log', 'timeline', 'vendor quote'];
  for (const year of ['2023', '2024', '2025']) {
    const y = state.createFolder({ name: year, parentId: F.archive, ownerId: U.admin });
    for (let q = 1; q <= 4; q++) {
      const quarter = state.createFolder({ name: `Q${q}`, parentId: y.id, ownerId: U.admin });
      for (let m = 1; m <= 3; m++) {
        const month = String((q - 1) * 3 + m).padStart(2, '0');
        const folder = state.createFolder({ name: `${year}-${month}`, parentId: quarter.id, ownerId: U.admin });
        const count = 4 + Math.floor(rand() * 4);
        for (let i = 0; i < count; i++) {
          const topic = topics[Math.floor(rand() * topics.length)] ?? 'notes';
          state.uploadFile({
            name: `${year}-${month} ${topic} ${i + 1}.txt`,
            parentId: folder.id,
            ownerId: U.admin,
            content: `Archived ${topic} from ${year}-${month}.\n`,
          });
        }
      }
    }
  }
}
