/**
 * Identity's side of the trust boundary: scopes follow the user's current role on every request, admins change
 * roles, disable users and remove team members (audited, never the last active admin), token lifetimes have a
 * maximum per kind, and one rule decides who reads a user's e-mail and Box user id on every path.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { createIdentityDb } from '@wrk/subgraph-identity/db';
import { sessionClaims } from '@wrk/subgraph-identity/sessions';
import { userToChange } from '@wrk/subgraph-identity/admins';
import { databaseKinds } from '../support/databases.ts';
import { postGraphQL, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack.ts';

const run = promisify(execFile);
const repoRoot = new URL('../../', import.meta.url).pathname;
const HOUR = 3600;
const DAY = 24 * HOUR;

type Headers = Record<string, string>;
type Result = GraphQLResponse<Record<string, any>>;

const UPDATE_USER = `mutation ($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id name role authState } }`;
const CREATE_USER = `mutation ($email: String!, $role: UserRole) { createUser(input: { email: $email, name: "Person", role: $role }) { id } }`;
const GRANT = `mutation ($entity: ID!, $subject: String!) {
  grantPermission(input: { entityId: $entity, subjectType: USER, subjectId: $subject, permission: READ }) { id } }`;
const CREATE_TOKEN = `mutation ($input: CreateTokenInput!) { createToken(input: $input) { token record { id scopes expiresAt } } }`;
const REMOVE_MEMBER = `mutation ($team: ID!, $user: ID!) { removeTeamMember(teamId: $team, userId: $user) { id members { id } } }`;

const codeOf = (result: Result) => result.errors?.[0]?.extensions?.code;

describe.each(databaseKinds())('user administration and token limits on %s Postgres', (kind) => {
  let stack: TestStack;
  let db: pg.Pool;
  let admin: Headers;
  let counter = 0;
  const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${(counter++).toString(36)}`;

  beforeAll(async () => {
    stack = await startTestStack(kind);
    admin = stack.as(await stack.token('admin@wrk.demo'));
    db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  const ok = async (query: string, variables: Record<string, unknown>, headers: Headers) => {
    const result = await stack.graphql<Record<string, any>>(query, variables, headers);
    expect(result.errors).toBeUndefined();
    return result.data!;
  };
  /** A new user made by the demo admin, with a staff token of their own. */
  const newUser = async (role: 'ADMIN' | 'STAFF' | 'RESTRICTED') => {
    const email = `${unique(role.toLowerCase())}@wrk.demo`;
    const id = (await ok(CREATE_USER, { email, role }, admin)).createUser.id as string;
    return { id, email, headers: stack.as(await stack.token(email)) };
  };

  describe('scopes follow the user', () => {
    it('a demoted admin loses admin abilities on the next request, on their staff token and on an agent token they issued', async () => {
      const demoted = await newUser('ADMIN');
      const adminScopes = ['identity:read', 'identity:write', 'identity:admin', 'core:read'];
      const issued = await ok(
        CREATE_TOKEN,
        { input: { agentName: 'admin-bot', scopes: [...adminScopes, 'agents:read', 'agents:write'] } },
        demoted.headers,
      );
      const agent = stack.as(issued.createToken.token);
      // Before: both hold identity:admin. The agent's write names its run and a source (issue 11).
      await ok(GRANT, { entity: DEMO.decisions.layoffs, subject: demoted.id }, demoted.headers);
      const run = await ok(`mutation { startRun(input: { task: "p", model: "m" }) { id } }`, {}, agent);
      const provenance = { wrk: { runId: run.startRun.id, sourceRefs: [{ id: demoted.id }] } };
      const byAgent = await postGraphQL(stack.gatewayUrl, CREATE_USER, { email: `${unique('by-agent')}@wrk.demo` }, agent, provenance);
      // Allowed, and a permission change: held for a human's approval (the approval gate), not refused.
      expect(byAgent.errors?.[0]?.extensions?.code).toBe('APPROVAL_REQUIRED');

      const update = await ok(UPDATE_USER, { id: demoted.id, input: { role: 'RESTRICTED' } }, admin);
      expect(update.updateUser).toMatchObject({ id: demoted.id, role: 'RESTRICTED', authState: 'ACTIVE' });

      for (const headers of [demoted.headers, agent]) {
        expect(codeOf(await stack.graphql(GRANT, { entity: DEMO.decisions.layoffs, subject: demoted.id }, headers))).toBe('FORBIDDEN');
        expect(codeOf(await stack.graphql(CREATE_USER, { email: `${unique('nope')}@wrk.demo`, role: 'ADMIN' }, headers))).toBe('FORBIDDEN');
        expect(codeOf(await stack.graphql(CREATE_TOKEN, { input: { agentName: 'again', scopes: adminScopes } }, headers))).toBe(
          'FORBIDDEN',
        );
        expect(codeOf(await stack.graphql(CREATE_TOKEN, { input: { userId: DEMO.users.admin } }, headers))).toBe('FORBIDDEN');
        expect(codeOf(await stack.graphql(UPDATE_USER, { id: demoted.id, input: { role: 'ADMIN' } }, headers))).toBe('FORBIDDEN');
      }
      // Reads that widen with identity:admin narrow too: the token list shows only their own tokens now.
      const tokens = await ok('{ tokens { user { id } } }', {}, demoted.headers);
      expect(new Set(tokens.tokens.map((token: { user: { id: string } }) => token.user.id))).toEqual(new Set([demoted.id]));
      // The restricted role's own reads still work on the same token.
      expect((await ok('{ me { id role } }', {}, demoted.headers)).me).toEqual({ id: demoted.id, role: 'RESTRICTED' });
    });

    it('a promotion widens no existing token: scopes are the token’s within the current role’s', async () => {
      const promoted = await newUser('STAFF');
      await ok(UPDATE_USER, { id: promoted.id, input: { role: 'ADMIN' } }, admin);
      expect(codeOf(await stack.graphql(CREATE_USER, { email: `${unique('x')}@wrk.demo` }, promoted.headers))).toBe('FORBIDDEN');
      const fresh = stack.as(await stack.token(promoted.email));
      await ok(CREATE_USER, { email: `${unique('y')}@wrk.demo` }, fresh);
      await ok(UPDATE_USER, { id: promoted.id, input: { role: 'STAFF' } }, admin);
    });
  });

  describe('updateUser', () => {
    it('disabling a user refuses their tokens from the next request on (401); enabling them lets those tokens work again', async () => {
      const user = await newUser('STAFF');
      const agent = stack.as(await stack.token(user.email, { agent: 'helper', scopes: ['core:read'] }));
      await ok('{ me { id } }', {}, user.headers);
      await ok('{ contracts { totalCount } }', {}, agent);

      expect((await ok(UPDATE_USER, { id: user.id, input: { disabled: true } }, admin)).updateUser.authState).toBe('DISABLED');
      for (const headers of [user.headers, agent]) {
        const refused = await stack.graphql('{ me { id } }', {}, headers);
        expect(refused.status).toBe(401);
        expect(codeOf(refused)).toBe('UNAUTHENTICATED');
      }
      await expect(stack.token(user.email)).rejects.toThrow(/not active/);

      expect((await ok(UPDATE_USER, { id: user.id, input: { disabled: false } }, admin)).updateUser.authState).toBe('ACTIVE');
      expect((await ok('{ me { id } }', {}, user.headers)).me).toEqual({ id: user.id });
    });

    it('keeps omitted fields, validates the name, and records the change with who made it', async () => {
      const user = await newUser('STAFF');
      const renamed = await stack.graphql<Record<string, any>>(UPDATE_USER, { id: user.id, input: { name: '  Renamed  ' } }, admin);
      expect(renamed.data!.updateUser).toEqual({ id: user.id, name: 'Renamed', role: 'STAFF', authState: 'ACTIVE' });
      const { rows } = await db.query<{
        action: string;
        actor: string;
        source_system: string;
        diff: Record<string, unknown>;
        request_id: string;
      }>(`SELECT action, actor, source_system, diff, request_id FROM platform.audit_logs WHERE entity_id = $1 ORDER BY id DESC LIMIT 1`, [
        user.id,
      ]);
      expect(rows[0]).toMatchObject({ action: 'update', actor: DEMO.users.admin, source_system: 'web', request_id: renamed.requestId });
      expect(rows[0]!.diff).toMatchObject({ name: { from: 'Person', to: 'Renamed' } });
      expect(rows[0]!.diff).not.toHaveProperty('role');

      const blank = await stack.graphql<Record<string, any>>(UPDATE_USER, { id: user.id, input: { name: ' ' } }, admin);
      expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
      const missing = await stack.graphql<Record<string, any>>(UPDATE_USER, { id: 'usr_doesnotexist00', input: { name: 'X' } }, admin);
      expect(codeOf(missing)).toBe('NOT_FOUND');
    });

    it('is refused to staff, and to an admin’s agent token even with identity:admin', async () => {
      const target = await newUser('STAFF');
      const staff = stack.as(await stack.token('staff@wrk.demo'));
      expect(codeOf(await stack.graphql(UPDATE_USER, { id: target.id, input: { disabled: true } }, staff))).toBe('FORBIDDEN');
      const adminAgent = stack.as(await stack.token('admin@wrk.demo', { agent: 'ops-bot', scopes: ['identity:read', 'identity:admin'] }));
      const byAgent = await stack.graphql(UPDATE_USER, { id: target.id, input: { disabled: true } }, adminAgent);
      expect(codeOf(byAgent)).toBe('FORBIDDEN');
      expect(byAgent.data?.updateUser ?? null).toBeNull();
    });

    it('never demotes or disables the last active admin', async () => {
      const users = await ok('{ users(first: 100) { nodes { id role authState } } }', {}, admin);
      const otherAdmins = (users.users.nodes as { id: string; role: string; authState: string }[]).filter(
        (user) => user.role === 'ADMIN' && user.authState === 'ACTIVE' && user.id !== DEMO.users.admin,
      );
      for (const other of otherAdmins) await ok(UPDATE_USER, { id: other.id, input: { role: 'STAFF' } }, admin);

      for (const input of [{ role: 'STAFF' }, { role: 'RESTRICTED' }, { disabled: true }, { role: 'RESTRICTED', disabled: true }]) {
        const refused = await stack.graphql(UPDATE_USER, { id: DEMO.users.admin, input }, admin);
        expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_ACTIVE_ADMIN' });
      }
      // Changing anything else, or confirming the role, is fine.
      await ok(UPDATE_USER, { id: DEMO.users.admin, input: { name: 'Avery Admin', role: 'ADMIN', disabled: false } }, admin);
    });

    it('two admins demoting each other at once: the second waits for the first and is refused', async () => {
      const other = await newUser('ADMIN');
      const identityDb = createIdentityDb(stack.databaseUrl);
      try {
        let locked!: () => void;
        const firstHoldsLocks = new Promise<void>((resolve) => (locked = resolve));
        const first = identityDb.$transaction(
          async (tx) => {
            const user = await userToChange(tx, other.id, { role: 'staff' });
            await tx.user.update({ where: { id: user!.id }, data: { role: 'staff' } });
            locked();
            await new Promise((resolve) => setTimeout(resolve, 500)); // the second transaction starts meanwhile
          },
          { timeout: 20_000 },
        );
        await firstHoldsLocks;
        const second = identityDb
          .$transaction((tx) => userToChange(tx, DEMO.users.admin, { role: 'staff' }), { timeout: 20_000 })
          .catch((error: unknown) => error);
        await first;
        expect(await second).toMatchObject({ extensions: { code: 'CONFLICT', reason: 'LAST_ACTIVE_ADMIN' } });
      } finally {
        await identityDb.$disconnect();
      }
    });
  });

  describe('removeTeamMember', () => {
    it('removes a member, whose team grants stop on the next request; removing again changes nothing', async () => {
      const member = await newUser('RESTRICTED');
      const team = (
        await ok(`mutation ($slug: String!) { createTeam(input: { name: "T", slug: $slug }) { id } }`, { slug: unique('t') }, admin)
      ).createTeam.id as string;
      await ok(
        `mutation ($team: ID!, $user: ID!) { addTeamMember(teamId: $team, userId: $user) { id } }`,
        { team, user: member.id },
        admin,
      );
      await ok(
        `mutation ($entity: ID!, $team: String!) { grantPermission(input: { entityId: $entity, subjectType: TEAM, subjectId: $team, permission: READ }) { id } }`,
        { entity: DEMO.decisions.layoffs, team },
        admin,
      );
      const decision = `{ decision(id: "${DEMO.decisions.layoffs}") { id } }`;
      expect((await ok(decision, {}, member.headers)).decision).toEqual({ id: DEMO.decisions.layoffs });

      expect((await ok(REMOVE_MEMBER, { team, user: member.id }, admin)).removeTeamMember).toEqual({ id: team, members: [] });
      expect(codeOf(await stack.graphql(decision, {}, member.headers))).toBe('NOT_FOUND');

      const audits = async () =>
        Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM platform.audit_logs WHERE entity_id = $1`, [team])).rows[0]!.n);
      const before = await audits();
      expect((await ok(REMOVE_MEMBER, { team, user: member.id }, admin)).removeTeamMember).toEqual({ id: team, members: [] });
      expect(await audits()).toBe(before);
      expect(codeOf(await stack.graphql(REMOVE_MEMBER, { team, user: 'usr_doesnotexist00' }, admin))).toBe('NOT_FOUND');
    });
  });

  describe('token lifetimes', () => {
    const lifetimeOf = (record: { expiresAt: string }) => (Date.parse(record.expiresAt) - Date.now()) / 1000;

    it('refuses a staff token above 12 h and an agent token above 30 days by default, and defaults to the maximum', async () => {
      const staff = stack.as(await stack.token('staff@wrk.demo'));
      const tooLong = [
        await stack.graphql(CREATE_TOKEN, { input: { userId: DEMO.users.staff, ttlSeconds: 12 * HOUR + 1 } }, admin),
        await stack.graphql(CREATE_TOKEN, { input: { agentName: 'yearly', scopes: ['core:read'], ttlSeconds: 365 * DAY } }, staff),
        await stack.graphql(CREATE_TOKEN, { input: { agentName: 'monthly', scopes: ['core:read'], ttlSeconds: 30 * DAY + 1 } }, admin),
      ];
      for (const result of tooLong) expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ttlSeconds' });

      const longest = await ok(CREATE_TOKEN, { input: { agentName: 'monthly', scopes: ['core:read'], ttlSeconds: 30 * DAY } }, staff);
      expect(lifetimeOf(longest.createToken.record)).toBeGreaterThan(30 * DAY - 60);
      const byDefault = await ok(CREATE_TOKEN, { input: { userId: DEMO.users.staff } }, admin);
      expect(lifetimeOf(byDefault.createToken.record)).toBeCloseTo(12 * HOUR, -2);
    });

    it('takes its maxima from WRK_MAX_STAFF_TOKEN_TTL and WRK_MAX_AGENT_TOKEN_TTL', async () => {
      process.env.WRK_MAX_STAFF_TOKEN_TTL = '600';
      process.env.WRK_MAX_AGENT_TOKEN_TTL = '900';
      try {
        const staffToken = await stack.graphql(CREATE_TOKEN, { input: { userId: DEMO.users.staff, ttlSeconds: 601 } }, admin);
        expect(staffToken.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ttlSeconds' });
        const agentToken = await stack.graphql(
          CREATE_TOKEN,
          { input: { agentName: 'short', scopes: ['core:read'], ttlSeconds: 901 } },
          admin,
        );
        expect(agentToken.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ttlSeconds' });
        const byDefault = await ok(CREATE_TOKEN, { input: { agentName: 'short', scopes: ['core:read'] } }, admin);
        expect(lifetimeOf(byDefault.createToken.record)).toBeCloseTo(900, -1);
      } finally {
        delete process.env.WRK_MAX_STAFF_TOKEN_TTL;
        delete process.env.WRK_MAX_AGENT_TOKEN_TTL;
      }
    });

    it('pnpm wrk token create enforces the same maxima', async () => {
      const wrk = (env: Record<string, string>, ...args: string[]) =>
        run('pnpm', ['-s', 'wrk', 'token', 'create', ...args], {
          cwd: repoRoot,
          env: { ...process.env, DATABASE_URL: stack.databaseUrl, ...env },
        });
      const agent = ['--agent', 'cli-bot', '--user', 'staff@wrk.demo', '--scopes', 'core:read'];
      await expect(wrk({}, ...agent, '--ttl', String(31 * DAY))).rejects.toThrow(/ttlSeconds/);
      await expect(wrk({}, '--user', 'staff@wrk.demo', '--ttl', String(13 * HOUR))).rejects.toThrow(/ttlSeconds/);
      await expect(wrk({ WRK_MAX_AGENT_TOKEN_TTL: '600' }, ...agent, '--ttl', '601')).rejects.toThrow(/ttlSeconds/);
      const { stdout } = await wrk({ WRK_MAX_AGENT_TOKEN_TTL: '600' }, ...agent);
      const expires = /expires (\S+)/.exec(stdout)![1]!;
      expect((Date.parse(expires) - Date.now()) / 1000).toBeLessThanOrEqual(600);
    }, 90_000);
  });

  describe('who reads a user’s e-mail and Box user id', () => {
    const USERS = '{ users(first: 100) { nodes { id email boxUserId } } }';
    type Row = { id: string; email: string | null; boxUserId: string | null };
    const byId = (rows: Row[]) => Object.fromEntries(rows.map((row) => [row.id, { email: row.email, boxUserId: row.boxUserId }]));
    const seeded: Record<string, { email: string; boxUserId: string }> = {
      [DEMO.users.admin]: { email: 'admin@wrk.demo', boxUserId: '1001' },
      [DEMO.users.staff]: { email: 'staff@wrk.demo', boxUserId: '1002' },
      [DEMO.users.restricted]: { email: 'restricted@wrk.demo', boxUserId: '1003' },
    };
    const hiddenBox = (id: string) => ({ email: seeded[id]!.email, boxUserId: null });
    const hiddenAll = { email: null, boxUserId: null };

    /** Every path that returns a user, for the three demo users, as the given caller sees them. */
    async function seenThrough(headers: Headers): Promise<Record<string, Record<string, unknown>>> {
      const users = byId((await ok(USERS, {}, headers)).users.nodes);
      const ids = Object.keys(seeded);
      const paths: Record<string, Record<string, unknown>> = { users: Object.fromEntries(ids.map((id) => [id, users[id]])) };
      const one = async (id: string) => (await ok(`query ($id: ID!) { user(id: $id) { email boxUserId } }`, { id }, headers)).user;
      paths.user = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await one(id)] as const)));
      const team = await ok(`{ team(id: "${DEMO.teams.contracts}") { members { id email boxUserId } } }`, {}, headers);
      paths.members = byId(team.team.members);
      return paths;
    }

    it('staff and restricted users see every e-mail and only their own Box user id; admins see all', async () => {
      const staff = await seenThrough(stack.as(await stack.token('staff@wrk.demo')));
      expect(staff.users).toEqual({
        [DEMO.users.admin]: hiddenBox(DEMO.users.admin),
        [DEMO.users.staff]: seeded[DEMO.users.staff],
        [DEMO.users.restricted]: hiddenBox(DEMO.users.restricted),
      });
      expect(staff.user).toEqual(staff.users);
      expect(staff.members).toEqual({ [DEMO.users.staff]: seeded[DEMO.users.staff] });

      const restricted = await seenThrough(stack.as(await stack.token('restricted@wrk.demo')));
      expect(restricted.users).toEqual({
        [DEMO.users.admin]: hiddenBox(DEMO.users.admin),
        [DEMO.users.staff]: hiddenBox(DEMO.users.staff),
        [DEMO.users.restricted]: seeded[DEMO.users.restricted],
      });
      expect(restricted.members).toEqual({ [DEMO.users.staff]: hiddenBox(DEMO.users.staff) });

      const asAdmin = await seenThrough(admin);
      expect(asAdmin.users).toEqual(seeded);
      expect(asAdmin.user).toEqual(seeded);
    });

    it('an allowlisted agent sees them only for its own user and the users its allowlist names, on every path', async () => {
      const token = await stack.token('restricted@wrk.demo', {
        agent: 'narrow',
        scopes: ['identity:read', 'core:read'],
        allow: [DEMO.contracts.acmeMsa, DEMO.users.staff],
      });
      const agent = stack.as(token);
      const seen = await seenThrough(agent);
      const expected: Record<string, { email: string | null; boxUserId: string | null }> = {
        [DEMO.users.admin]: hiddenAll,
        [DEMO.users.staff]: hiddenBox(DEMO.users.staff),
        [DEMO.users.restricted]: seeded[DEMO.users.restricted]!,
      };
      expect(seen.users).toEqual(expected);
      expect(seen.user).toEqual(expected);
      expect(seen.members).toEqual({ [DEMO.users.staff]: expected[DEMO.users.staff] });
      expect((await ok('{ me { id email boxUserId } }', {}, agent)).me).toEqual({
        id: DEMO.users.restricted,
        ...seeded[DEMO.users.restricted],
      });

      // Through another subgraph (the gateway fetches the user from identity by reference) and through _entities directly.
      const OWNER = `{ contract(id: "${DEMO.contracts.acmeMsa}") { owner { id email boxUserId } } }`;
      expect((await ok(OWNER, {}, agent)).contract.owner).toEqual({ id: DEMO.users.staff, ...expected[DEMO.users.staff] });
      const narrower = stack.as(
        await stack.token('restricted@wrk.demo', {
          agent: 'narrower',
          scopes: ['identity:read', 'core:read'],
          allow: [DEMO.contracts.acmeMsa],
        }),
      );
      expect((await ok(OWNER, {}, narrower)).contract.owner).toEqual({ id: DEMO.users.staff, ...hiddenAll });
      const identityDb = createIdentityDb(stack.databaseUrl);
      try {
        const claims = await sessionClaims(identityDb, token, 'user-data');
        const entities = await stack.direct<{ _entities: Row[] }>(
          'identity',
          'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email boxUserId } } }',
          { r: Object.keys(seeded).map((id) => ({ __typename: 'User', id })) },
          claims,
        );
        expect(byId(entities.data!._entities)).toEqual(expected);
      } finally {
        await identityDb.$disconnect();
      }
    });

    it('an agent without an allowlist sees e-mails, and Box user ids like its user does', async () => {
      const agent = stack.as(await stack.token('staff@wrk.demo', { agent: 'wide', scopes: ['identity:read'] }));
      const seen = await seenThrough(agent);
      expect(seen.users).toEqual({
        [DEMO.users.admin]: hiddenBox(DEMO.users.admin),
        [DEMO.users.staff]: seeded[DEMO.users.staff],
        [DEMO.users.restricted]: hiddenBox(DEMO.users.restricted),
      });
    });
  });
});
