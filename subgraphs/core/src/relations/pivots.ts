import type { CoreDb } from '../db.ts';
import type { CoreModel, RowSpec } from '../entities/index.ts';
import { grant as grantSpec } from '../entities/grant/spec.ts';
import { meeting as meetingSpec } from '../entities/meeting/spec.ts';
import { organization as organizationSpec } from '../entities/organization/spec.ts';
import { person as personSpec } from '../entities/person/spec.ts';
import { project as projectSpec } from '../entities/project/spec.ts';
import { trip as tripSpec } from '../entities/trip/spec.ts';

/**
 * The pivot tables of seed §3: each relates a `left` and a `right` entity, optionally with a role. One table
 * drives the relationship fields of both sides, the edge types, and addRelation/removeRelation.
 */
export interface PivotSide {
  typename: string;
  /** Prisma column of this side's key (an int row id; for users, the usr_ external ID). */
  column: string;
  /** The edge's field naming this side. */
  field: string;
  /** Loader by row id; absent for users (owned by identity). */
  loader?: `${CoreModel}ById`;
}

export interface PivotRow {
  role?: string | null;
  createdAt: Date;
  [column: string]: unknown;
}

interface PivotDelegate {
  findMany(args: { where: object }): Promise<PivotRow[]>;
  create(args: { data: object }): Promise<PivotRow>;
  deleteMany(args: { where: object }): Promise<{ count: number }>;
}

export interface Pivot {
  delegate(db: Pick<CoreDb, PivotDelegateName>): PivotDelegate;
  left: PivotSide;
  right: PivotSide;
  /** Allowed roles; `null`: free text; `undefined`: the table has no role. */
  roles?: readonly string[] | null;
}

type PivotDelegateName =
  | 'organizationPerson'
  | 'organizationGrant'
  | 'meetingPerson'
  | 'meetingOrganization'
  | 'meetingProject'
  | 'projectPerson'
  | 'projectOrganization'
  | 'projectGrant'
  | 'projectTrip'
  | 'meetingUser'
  | 'projectUser'
  | 'tripUser';

/** A core entity's side: its rows load by id through the caller's visibility. */
const side = (spec: RowSpec): PivotSide => ({
  typename: spec.typename,
  field: spec.model,
  column: `${spec.model}Id`,
  loader: `${spec.model}ById`,
});
const person = side(personSpec);
const organization = side(organizationSpec);
const meeting = side(meetingSpec);
const project = side(projectSpec);
const trip = side(tripSpec);
const grant = side(grantSpec);
/** Users are identity's: their side holds the usr_ external ID, checked at identity. */
const user: PivotSide = { typename: 'User', field: 'user', column: 'userId' };

// Prisma's delegates differ in their generic types; each entry is typed against the common shape it is used with.
const delegate = (name: PivotDelegateName) => (db: Pick<CoreDb, PivotDelegateName>) => db[name] as unknown as PivotDelegate;

export const PIVOTS = {
  OrganizationPerson: { delegate: delegate('organizationPerson'), left: organization, right: person, roles: null },
  OrganizationGrant: { delegate: delegate('organizationGrant'), left: organization, right: grant, roles: null },
  MeetingPerson: { delegate: delegate('meetingPerson'), left: meeting, right: person, roles: null },
  MeetingOrganization: { delegate: delegate('meetingOrganization'), left: meeting, right: organization, roles: null },
  MeetingProject: { delegate: delegate('meetingProject'), left: meeting, right: project, roles: null },
  ProjectPerson: { delegate: delegate('projectPerson'), left: project, right: person, roles: null },
  ProjectOrganization: { delegate: delegate('projectOrganization'), left: project, right: organization, roles: null },
  ProjectGrant: { delegate: delegate('projectGrant'), left: project, right: grant, roles: null },
  ProjectTrip: { delegate: delegate('projectTrip'), left: project, right: trip, roles: null },
  MeetingUser: { delegate: delegate('meetingUser'), left: meeting, right: user, roles: ['owner', 'participant'] },
  ProjectUser: { delegate: delegate('projectUser'), left: project, right: user, roles: ['owner', 'contributor'] },
  TripUser: { delegate: delegate('tripUser'), left: trip, right: user, roles: ['traveler', 'creator'] },
} satisfies Record<string, Pivot>;

export type PivotName = keyof typeof PIVOTS;

const isPivotName = (name: string): name is PivotName => name in PIVOTS;

export const PIVOT_NAMES: readonly PivotName[] = Object.keys(PIVOTS).filter(isPivotName);

/** GraphQL `Relation` enum value (MEETING_PERSON) → pivot name (MeetingPerson). */
export function pivotOfRelation(relation: string): PivotName {
  const name = relation
    .toLowerCase()
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  if (!isPivotName(name)) throw new Error(`unknown relation ${relation}`);
  return name;
}
