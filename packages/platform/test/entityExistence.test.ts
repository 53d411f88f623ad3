/**
 * A subgraph's check at an entity's owner, against a real HTTP owner: it sends the caller's request ID along (so the
 * owner's answer and log lines carry the ID the caller's do) and the check as a named operation.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import { entityExistenceLoader } from '../src/entityExistence.ts';
import { runInRequestScope } from '../src/requestScope.ts';

describe('entityExistenceLoader', () => {
  const received: { headers: IncomingHttpHeaders; body: { operationName?: string; variables: { representations: unknown[] } } }[] = [];
  const owner = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as (typeof received)[number]['body'];
      received.push({ headers: request.headers, body });
      // The first representation exists, the others do not.
      const entities = body.variables.representations.map((_, index) => (index === 0 ? { __typename: 'BoxItem' } : null));
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ data: { _entities: entities } }));
    });
  });
  let url = '';

  beforeAll(async () => {
    owner.listen(0, '127.0.0.1');
    await once(owner, 'listening');
    const address = owner.address();
    if (address === null || typeof address === 'string') throw new Error('not a TCP server');
    url = `http://127.0.0.1:${address.port}/graphql`;
  });
  afterAll(async () => {
    await new Promise((resolve) => owner.close(resolve));
  });

  it("asks the owner once per batch, with the caller's request ID, as EntityExistenceCheck", async () => {
    const loader = entityExistenceLoader(
      () => ({ owner: 'files', typename: 'BoxItem', url }),
      () => 'signed-header',
    );
    const exists = await runInRequestScope({ requestId: 'req-caller-1' }, () => Promise.all([loader.load('box_a'), loader.load('box_b')]));
    expect(exists).toEqual([true, false]);
    expect(received).toHaveLength(1);
    expect(received[0]?.headers['x-request-id']).toBe('req-caller-1');
    expect(received[0]?.body.operationName).toBe('EntityExistenceCheck');
  });
});
