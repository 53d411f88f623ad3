import type { Claims } from '@wrk/platform';
import { ROW_SPECS } from '../src/entities/index.ts';
import { visibleLinkRows, visibleRows, type InProjects } from '../src/visibility.ts';

const claims = (overrides: Partial<Claims>): Claims => ({
  kind: 'staff',
  role: 'staff',
  teams: [],
  scopes: [],
  requestId: 'test',
  ...overrides,
});
const spec = (typename: string) => {
  const found = ROW_SPECS.find((candidate) => candidate.typename === typename);
  if (!found) throw new Error(typename);
  return found;
};

describe('core visibility', () => {
  it('shows anonymous callers nothing, on every model and on links', () => {
    for (const entity of ROW_SPECS)
      expect(visibleRows<InProjects>(claims({ kind: 'anonymous' }), entity.visibility)).toEqual({ id: { lt: 0 } });
    expect(visibleLinkRows(claims({ kind: 'anonymous' }))).toEqual({ id: { lt: 0 } });
  });

  it('lets admins and the platform see every row of every model', () => {
    for (const entity of ROW_SPECS) {
      expect(visibleRows<InProjects>(claims({ role: 'admin' }), entity.visibility)).toEqual({});
      expect(visibleRows<InProjects>(claims({ kind: 'system', role: undefined }), entity.visibility)).toEqual({});
    }
  });

  it('limits restricted rows to internal ones, the owner and grantees; unrestrictable models are open', () => {
    const staff = claims({ sub: 'usr_owner1', grants: ['ctr_granted1'] });
    expect(visibleRows<InProjects>(staff, spec('Contract').visibility)).toEqual({
      AND: [{ OR: [{ visibility: 'internal' }, { ownerUserId: 'usr_owner1' }, { externalId: { in: ['ctr_granted1'] } }] }],
    });
    expect(visibleRows<InProjects>(staff, spec('Person').visibility)).toEqual({});
  });

  it('narrows an allowlist to the listed entities and what belongs to a listed project, as each model reaches it', () => {
    const agent = claims({ kind: 'agent', sub: 'usr_owner1', allow: ['prj_listed1', 'ctr_listed1'] });
    const allowed = (typename: string) => visibleRows<InProjects>(agent, spec(typename).visibility).AND?.at(-1);
    const listed = { externalId: { in: ['prj_listed1', 'ctr_listed1'] } };
    const inProjects = { in: ['prj_listed1'] };
    expect(allowed('Contract')).toEqual({ OR: [listed, { project: { is: { externalId: inProjects } } }] });
    expect(allowed('Meeting')).toEqual({ OR: [listed, { projects: { some: { project: { externalId: inProjects } } } }] });
    expect(allowed('Project')).toEqual({ OR: [listed, { parent: { is: { externalId: inProjects } } }] });
    expect(visibleLinkRows(agent)).toEqual({ OR: [{ fromId: { in: agent.allow } }, { toId: { in: agent.allow } }] });
  });
});
