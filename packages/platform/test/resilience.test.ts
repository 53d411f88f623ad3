/**
 * Telling an outage from a refusal: errors of unreachable or timed-out dependencies (produced for real here: a refused
 * connection, a server that never answers) are UNAVAILABLE; a refusal of what was asked is not. And the in-flight
 * limit refuses what exceeds it at once, over real HTTP.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import express from 'express';
import pg from 'pg';
import { GraphQLError } from 'graphql';
import { ErrorCode, isUnavailableError, translateDatabaseError } from '../src/errors.ts';
import { concurrencyLimit, deadlineSignal } from '../src/resilience.ts';

async function listening(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not a TCP server');
  return `http://127.0.0.1:${address.port}`;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const url = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  return Number(new URL(url).port);
}

describe('isUnavailableError', () => {
  it('is true for a database that refuses connections, and translateDatabaseError makes it UNAVAILABLE', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: await closedPort(), connectionTimeoutMillis: 2_000 });
    const error = await client.connect().then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(isUnavailableError(error)).toBe(true);
    let translated: unknown;
    try {
      translateDatabaseError(error);
    } catch (thrown) {
      translated = thrown;
    }
    expect(translated).toBeInstanceOf(GraphQLError);
    expect(translated).toMatchObject({ extensions: { code: ErrorCode.UNAVAILABLE } });
    expect(String(translated)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });

  it('is true for a call that timed out, and for one wrapped in another error', async () => {
    const silent = createServer(() => undefined);
    const url = await listening(silent);
    try {
      const error = await fetch(url, { signal: deadlineSignal(50) }).then(
        () => null,
        (failure: unknown) => failure,
      );
      expect(isUnavailableError(error)).toBe(true);
      expect(isUnavailableError(new Error('lookup failed', { cause: error }))).toBe(true);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('is false for refusals of what was asked and for plain bugs', () => {
    expect(isUnavailableError(new GraphQLError('no', { extensions: { code: ErrorCode.BAD_USER_INPUT } }))).toBe(false);
    expect(isUnavailableError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isUnavailableError(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isUnavailableError(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }))).toBe(true);
  });
});

describe('concurrencyLimit', () => {
  it('serves up to the limit at once and refuses the rest with 503 OVERLOADED and Retry-After', async () => {
    const release: (() => void)[] = [];
    const app = express();
    app.use(concurrencyLimit(2, 3));
    app.get('/', (_req, res) => {
      release.push(() => res.json({ ok: true }));
    });
    const server = createServer(app);
    const url = await listening(server);
    try {
      const held = [fetch(url), fetch(url)];
      while (release.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      const refused = await fetch(url);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('3');
      expect(await refused.json()).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'OVERLOADED' } }] });
      release.splice(0).forEach((done) => done());
      expect((await Promise.all(held)).map((response) => response.status)).toEqual([200, 200]);
      // The finished requests freed their places.
      const again = fetch(url);
      while (release.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
      release.splice(0).forEach((done) => done());
      expect((await again).status).toBe(200);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
