/**
 * A database that accepts the connection and never answers (a hung server, a half-open network path): the worker's
 * start fails after WRK_DB_CONNECT_TIMEOUT_MS, as every other pool of WRK does, instead of waiting forever.
 */
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { startWorker } from '@wrk/worker';

const CONNECT_TIMEOUT_MS = 500;

describe('the worker against a database that never answers', () => {
  const sockets = new Set<Socket>();
  // Reads what it is sent (so it sees the client hang up) and never answers.
  const silent = createServer((socket) => {
    socket.resume();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  beforeAll(async () => {
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
  });
  afterAll(async () => {
    delete process.env.WRK_DB_CONNECT_TIMEOUT_MS;
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it(`fails to start within the connect timeout (${CONNECT_TIMEOUT_MS} ms here) and keeps no connection`, async () => {
    // The worker reads it when it starts.
    process.env.WRK_DB_CONNECT_TIMEOUT_MS = String(CONNECT_TIMEOUT_MS);
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('not a TCP server');
    const started = Date.now();
    await expect(startWorker({ databaseUrl: `postgres://wrk:wrk@127.0.0.1:${address.port}/wrk`, tasks: {} })).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeLessThan(8_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sockets.size).toBe(0);
  }, 10_000);
});
