/**
 * The boundary between the gateway and the subgraphs: nothing in the repository can sign claims, and a captured
 * claims header is good for its one request only (one subgraph, one operation; once, for a mutation).
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { SUBGRAPHS, type SubgraphName } from '@wrk/catalog';
import { startEmbeddedPostgres } from '@wrk/devdb';
import { CLAIMS_HEADER, signClaims, signDelegated, type Claims, type ServiceKeyring } from '@wrk/platform';
import { committedSupergraph } from '@wrk/gateway/compose';
import { startGateway } from '@wrk/gateway/server';
import { databaseKinds } from '../support/databases.ts';
import { postGraphQL, startTestStack, type TestStack } from '../support/stack.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;
/** The shared secret earlier versions signed claims with: it was in the repository, so it must sign nothing now. */
const FORMER_DEV_SECRET = 'wrk-dev-gateway-secret-change-me-in-production';

const adminClaims = (requestId: string): Claims => ({
  kind: 'staff',
  sub: DEMO.users.admin,
  role: 'admin',
  scopes: ['core:read', 'core:write', 'identity:admin', 'identity:read', 'identity:write', 'files:read', 'agents:read'],
  teams: [],
  requestId,
});

/** Every tracked file of the repository, as text. */
async function trackedFiles(): Promise<{ path: string; text: string }[]> {
  const paths = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
  return Promise.all(paths.map(async (path) => ({ path, text: await readFile(join(repoRoot, path), 'utf8').catch(() => '') })));
}

/** Strings of the repository that could have served as a signing secret: quoted literals on lines naming a secret or key. */
function secretCandidates(files: { text: string }[]): string[] {
  const candidates = new Set([FORMER_DEV_SECRET]);
  for (const { text } of files) {
    for (const line of text.split('\n').filter((l) => /secret|password|signing|hmac/i.test(l))) {
      for (const match of line.matchAll(/['"`]([^'"`\s]{8,200})['"`]/g)) candidates.add(match[1]!);
    }
  }
  return [...candidates];
}

const PRIVATE_PEM = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]+?-----END (?:[A-Z]+ )?PRIVATE KEY-----/g;

describe.each(databaseKinds())('the gateway → subgraph trust boundary (%s Postgres)', (kind) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack(kind);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const query = '{ contracts(first: 1) { totalCount } }';

  it('no tracked file holds a private key, and no secret or key found in the repository signs claims any subgraph accepts', async () => {
    const files = await trackedFiles();
    const pems = files.flatMap((file) => file.text.match(PRIVATE_PEM) ?? []);
    expect(pems).toEqual([]);

    const candidates = secretCandidates(files);
    expect(candidates.length).toBeGreaterThan(1);
    for (const subgraph of SUBGRAPHS) {
      for (const secret of candidates) {
        const forged = await new SignJWT({ ...adminClaims('forged') })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer('wrk-gateway')
          .setAudience('wrk-subgraphs')
          .setExpirationTime('60s')
          .sign(new TextEncoder().encode(secret));
        const result = await postGraphQL(stack.subgraphUrls[subgraph], '{ __typename }', {}, { [CLAIMS_HEADER]: forged });
        expect(result.status).toBe(401);
      }
    }
  });

  it('a subgraph cannot sign claims as the gateway with its own key', async () => {
    const core = stack.keyrings.core;
    const impostor: ServiceKeyring = { ...core, service: 'gateway' };
    for (const subgraph of ['identity', 'files', 'agents'] as const) {
      const result = await postGraphQL(
        stack.subgraphUrls[subgraph],
        '{ __typename }',
        {},
        {
          [CLAIMS_HEADER]: signClaims(impostor, subgraph, { query: '{ __typename }', variables: {} }, adminClaims('impostor')),
        },
      );
      expect(result.status).toBe(401);
    }
    // Key ids are hashes of public keys: the core key's id is not one of the gateway's.
    expect(stack.keyrings.gateway.trusted.get('gateway')?.has(core.kid!)).toBe(false);
  });

  it('a header signed for one subgraph or one operation is refused for another', async () => {
    const header = signClaims(stack.keyrings.gateway, 'core', { query, variables: {} }, adminClaims('bound'));
    const ok = await postGraphQL(stack.subgraphUrls.core, query, {}, { [CLAIMS_HEADER]: header });
    expect(ok.errors).toBeUndefined();
    const otherOperation = await postGraphQL(
      stack.subgraphUrls.core,
      '{ grants(first: 1) { totalCount } }',
      {},
      { [CLAIMS_HEADER]: header },
    );
    expect(otherOperation.status).toBe(401);
    expect(otherOperation.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const otherVariables = await postGraphQL(stack.subgraphUrls.core, query, { unused: 1 }, { [CLAIMS_HEADER]: header });
    expect(otherVariables.status).toBe(401);
    const otherSubgraph = await postGraphQL(stack.subgraphUrls.files, query, {}, { [CLAIMS_HEADER]: header });
    expect(otherSubgraph.status).toBe(401);
  });

  describe('headers captured between a real gateway and core', () => {
    let proxy: Server;
    let gateway: { url: string; stop(): Promise<void> };
    const captured: { header: string; body: string }[] = [];

    beforeAll(async () => {
      // A wire tap in front of core: records what the gateway sends, passes it on unchanged.
      proxy = createServer((req, res) => {
        void relay(req, res);
      });
      const relay = async (req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks).toString();
        captured.push({ header: String(req.headers[CLAIMS_HEADER]), body });
        const answer = await fetch(stack.subgraphUrls.core, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [CLAIMS_HEADER]: String(req.headers[CLAIMS_HEADER]) },
          body,
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
      };
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const tapped: Record<SubgraphName, string> = {
        ...stack.subgraphUrls,
        core: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`,
      };
      gateway = await startGateway({
        supergraphSdl: committedSupergraph(),
        subgraphUrls: tapped,
        keyring: stack.keyrings.gateway,
        databaseUrl: stack.databaseUrl,
      });
    });
    afterAll(async () => {
      await gateway?.stop();
      proxy?.closeAllConnections();
      await new Promise((resolve) => proxy?.close(resolve));
    });

    it('a mutation header works once; it carries neither another mutation nor a query', async () => {
      const admin = await stack.token('admin@wrk.demo');
      captured.length = 0;
      const created = await postGraphQL<{ createOrganization: { id: string } }>(
        gateway.url,
        'mutation { createOrganization(input: { name: "Tapped Ltd" }) { id } }',
        {},
        stack.as(admin),
      );
      expect(created.errors).toBeUndefined();
      const { header, body } = captured.find((entry) => entry.body.includes('createOrganization'))!;
      const replay = (payload: string) =>
        fetch(stack.subgraphUrls.core, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [CLAIMS_HEADER]: header },
          body: payload,
        });

      const again = await replay(body);
      expect(again.status).toBe(401);
      expect(((await again.json()) as { errors: { message: string }[] }).errors[0]!.message).toContain('already used');
      const other = await replay(JSON.stringify({ query: 'mutation { createOrganization(input: { name: "Replayed Ltd" }) { id } }' }));
      expect(other.status).toBe(401);
      const read = await replay(JSON.stringify({ query: '{ contracts { totalCount } }' }));
      expect(read.status).toBe(401);

      const organizations = await stack.graphql<{ organizations: { nodes: { name: string }[] } }>(
        '{ organizations(first: 100, filter: { search: "Ltd" }) { nodes { name } } }',
        {},
        stack.as(admin),
      );
      expect(organizations.data!.organizations.nodes.map((o) => o.name)).toEqual(['Tapped Ltd']);
    });

    it('a query header read off the wire cannot carry any other operation', async () => {
      const staff = await stack.token('staff@wrk.demo');
      captured.length = 0;
      const read = await postGraphQL(gateway.url, '{ contracts(first: 1) { nodes { id } } }', {}, stack.as(staff));
      expect(read.errors).toBeUndefined();
      const { header } = captured[0]!;
      const wider = await postGraphQL(
        stack.subgraphUrls.core,
        '{ contracts(first: 100) { nodes { id title } } }',
        {},
        { [CLAIMS_HEADER]: header },
      );
      expect(wider.status).toBe(401);
      const write = await postGraphQL(
        stack.subgraphUrls.core,
        'mutation { createOrganization(input: { name: "Nope" }) { id } }',
        {},
        { [CLAIMS_HEADER]: header },
      );
      expect(write.status).toBe(401);
    });
  });

  it("a subgraph asking an owner on a caller's behalf may only read, as that caller, with the gateway header as evidence", async () => {
    const evidenceFor = (claims: Claims, audience: SubgraphName = 'core') =>
      signClaims(stack.keyrings.gateway, audience, { query, variables: {} }, claims);
    const ask = (subgraph: SubgraphName, operation: string, evidence: string) =>
      postGraphQL<Record<string, unknown>>(
        stack.subgraphUrls[subgraph],
        operation,
        {},
        {
          [CLAIMS_HEADER]: signDelegated(stack.keyrings.core, subgraph, { query: operation, variables: {} }, evidence),
        },
      );
    const restricted: Claims = {
      kind: 'staff',
      sub: DEMO.users.restricted,
      role: 'restricted',
      scopes: ['identity:read'],
      teams: [],
      requestId: 'delegated',
    };
    const read = await ask('identity', '{ me { id } }', evidenceFor(restricted));
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({ me: { id: DEMO.users.restricted } });

    const admin = { ...adminClaims('delegated-write'), scopes: [...adminClaims('').scopes, 'files:write'] };
    const write = await ask(
      'files',
      'mutation { createKbChunk(input: { documentId: "doc_demoacmemsa0001", content: "x" }) { id } }',
      evidenceFor(admin),
    );
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(write.errors?.[0]?.message).toContain('may only read');

    // Evidence the gateway made out to files does not let core speak for the caller.
    const misused = await ask('identity', '{ me { id } }', evidenceFor(restricted, 'files'));
    expect(misused.status).toBe(401);
  });
});

describe('the embedded Postgres', () => {
  it('gets a random password: the former default `postgres` is refused', async () => {
    const server = await startEmbeddedPostgres({ dataDir: await mkdtemp(join(tmpdir(), 'wrk-pw-test-')), deleteOnStop: true });
    try {
      const url = new URL(server.url);
      expect(decodeURIComponent(url.password)).not.toBe('postgres');
      expect(decodeURIComponent(url.password).length).toBeGreaterThanOrEqual(24);
      url.password = 'postgres';
      const client = new pg.Client({ connectionString: url.toString() });
      await expect(client.connect()).rejects.toThrow(/password authentication failed/);
      await client.end().catch(() => {});
    } finally {
      await server.stop();
    }
  });
});
