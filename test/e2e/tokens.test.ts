import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { CLAIMS_HEADER, signClaims, type Claims } from '@wrk/platform';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const run = promisify(execFile);
const [kind] = databaseKinds();
const repoRoot = new URL('../../', import.meta.url).pathname;

/** `pnpm wrk …` as a user types it, against the test database; returns stdout's last line. */
async function wrk(databaseUrl: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('pnpm', ['-s', 'wrk', ...args], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: databaseUrl } });
  return stdout.trim().split('\n').at(-1)!;
}

describe(`tokens (${kind} Postgres)`, () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack(kind!);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('pnpm wrk token create prints a staff token, and an agent token with the scopes asked for, on its last line', async () => {
    const staffToken = await wrk(stack.databaseUrl, 'token', 'create', '--user', 'staff@wrk.demo');
    const me = await stack.graphql<{ me: { email: string } }>('{ me { email } }', {}, stack.as(staffToken));
    expect(me.data).toEqual({ me: { email: 'staff@wrk.demo' } });

    const agentToken = await wrk(
      stack.databaseUrl,
      'token',
      'create',
      '--agent',
      'contract-reviewer',
      '--user',
      'staff@wrk.demo',
      '--scopes',
      'core:read,files:read',
    );
    const asAgent = stack.as(agentToken);
    expect((await stack.graphql('{ contracts { totalCount } }', {}, asAgent)).errors).toBeUndefined();
    const write = await stack.graphql('mutation { createPerson(input: { fullName: "X" }) { id } }', {}, asAgent);
    expect(write.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', fields: ['Mutation.createPerson'] });
  }, 60_000);

  it('refuses to issue an agent token with scopes beyond its user’s', async () => {
    await expect(
      wrk(stack.databaseUrl, 'token', 'create', '--agent', 'greedy', '--user', 'restricted@wrk.demo', '--scopes', 'core:write'),
    ).rejects.toThrow(/does not hold core:write/);
  }, 60_000);

  it('narrows an agent token to its allowlist on every read path', async () => {
    const agent = stack.as(
      await stack.token('staff@wrk.demo', { agent: 'narrow', scopes: ['core:read'], allow: [DEMO.contracts.acmeMsa] }),
    );
    const list = await stack.graphql<{ contracts: { totalCount: number; nodes: { id: string }[] } }>(
      '{ contracts { totalCount nodes { id } } }',
      {},
      agent,
    );
    expect(list.data!.contracts).toEqual({ totalCount: 1, nodes: [{ id: DEMO.contracts.acmeMsa }] });
    const other = await stack.graphql(`{ project(id: "${DEMO.projects.platform}") { id } }`, {}, agent);
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const viaRelation = await stack.graphql<{ contract: { project: unknown; organization: unknown } }>(
      `{ contract(id: "${DEMO.contracts.acmeMsa}") { project { id } } }`,
      {},
      agent,
    );
    expect(viaRelation.data!.contract.project).toBeNull();
  });

  it('an allowlist naming a project opens what belongs to it, and nothing else', async () => {
    const agent = stack.as(
      await stack.token('staff@wrk.demo', { agent: 'project-bot', scopes: ['core:read'], allow: [DEMO.projects.platform] }),
    );
    const result = await stack.graphql<Record<string, { nodes: { id: string }[] }>>(
      `{ projects { nodes { id } } contracts { nodes { id } } meetings { nodes { id } } actions { nodes { id } } people { nodes { id } } }`,
      {},
      agent,
    );
    expect(result.errors).toBeUndefined();
    const ids = (field: string) => result.data![field]!.nodes.map((node) => node.id).sort();
    expect(ids('projects')).toEqual([DEMO.projects.platform, DEMO.projects.onboarding].sort());
    expect(ids('contracts')).toEqual([DEMO.contracts.acmeMsa]);
    expect(ids('meetings')).toEqual([DEMO.meetings.kickoff]);
    expect(ids('actions')).toEqual([DEMO.actions.sendDraft]);
    expect(ids('people')).toEqual([DEMO.people.ada]);
  });

  it('revocation takes effect on the next request', async () => {
    const token = await stack.token('staff@wrk.demo');
    expect((await stack.graphql('{ me { id } }', {}, stack.as(token))).status).toBe(200);
    const id = (await stack.graphql<{ tokens: { id: string }[] }>('{ tokens { id } }', {}, stack.as(token))).data!.tokens[0]!.id;
    const revoked = await stack.graphql('mutation ($id: ID!) { revokeToken(id: $id) { revokedAt } }', { id }, stack.as(token));
    expect(revoked.errors).toBeUndefined();
    const next = await stack.graphql('{ me { id } }', {}, stack.as(token));
    expect(next.status).toBe(401);
    expect(next.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rotating the signing key keeps old tokens valid and new ones verifiable (kid in the header)', async () => {
    const before = await stack.token('staff@wrk.demo');
    await wrk(stack.databaseUrl, 'keys', 'rotate');
    const after = await stack.token('staff@wrk.demo');
    const kid = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid;
    expect(kid(after)).not.toBe(kid(before));
    for (const token of [before, after]) {
      expect((await stack.graphql<{ me: { email: string } }>('{ me { email } }', {}, stack.as(token))).data).toEqual({
        me: { email: 'staff@wrk.demo' },
      });
    }
  }, 60_000);

  /** Identity's session lookup asked as the gateway asks it (signed claims), with `token` as it is. */
  const sessionAtIdentity = async (token: string) => {
    const identity = stack.subgraphUrls.identity.replace(/\/graphql$/, '');
    const body = { token, requestId: 'tokens-test' };
    const system: Claims = { kind: 'system', agent: 'gateway', scopes: [], teams: [], requestId: 'tokens-test' };
    const response = await fetch(`${identity}/internal/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CLAIMS_HEADER]: signClaims(stack.keyrings.gateway, 'identity', body, system) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { error?: string; sub?: string } };
  };

  it('identity checks the token itself: a changed payload, another key’s kid or a retired key is refused (401)', async () => {
    const [oldKey, oldPayload, oldSignature] = (await stack.token('staff@wrk.demo')).split('.');
    await wrk(stack.databaseUrl, 'keys', 'rotate');
    const token = await stack.token('staff@wrk.demo');
    expect(await sessionAtIdentity(token)).toMatchObject({ status: 200, body: { sub: DEMO.users.staff } });

    const [header, payload, signature] = token.split('.');
    const decoded = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const widened = Buffer.from(JSON.stringify({ ...decoded, sub: DEMO.users.admin })).toString('base64url');
    expect(await sessionAtIdentity(`${header}.${widened}.${signature}`)).toMatchObject({ status: 401 });
    // The old key's header on the new token's payload (its own signature): the key is not the record's.
    expect(await sessionAtIdentity(`${oldKey}.${payload}.${signature}`)).toMatchObject({ status: 401 });
    expect(await sessionAtIdentity(`${oldKey}.${oldPayload}.${oldSignature}`)).toMatchObject({ status: 200 });

    const kid = JSON.parse(Buffer.from(header!, 'base64url').toString()).kid;
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      await db.query('UPDATE identity.signing_keys SET retired_at = now() WHERE kid = $1', [kid]);
    } finally {
      await db.end();
    }
    expect(await sessionAtIdentity(token)).toEqual({ status: 401, body: { error: 'invalid token: no applicable key' } });
  }, 60_000);
});
