import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import express from 'express';
import { logger } from '@wrk/platform';
import { EXPLORER_DIST, explorerManifest, type ExplorerManifest } from './explorerBuild.ts';
import type { CuratedOperation } from './mcp/operations.ts';

export const EXPLORER_ASSETS_PATH = '/explorer/assets/';
export const DEMO_SIGN_IN_PATH = '/explorer/demo-sign-in';
const NEIGHBOURHOOD_OPERATION = 'EntityNeighbourhood';

/**
 * "Sign in as a demo user": given to the gateway only when the stack runs on the embedded demo database (startStack
 * decides); a production gateway has none, so the route and the buttons do not exist there.
 */
export interface DemoSignIn {
  users: { email: string; name: string; role: string }[];
  /** A short-lived token for one of `users`. */
  issue(email: string): Promise<{ token: string; expiresAt: Date }>;
}

const escapeJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function page(manifest: ExplorerManifest, operations: CuratedOperation[], demo: DemoSignIn | undefined): string {
  const neighbourhood = operations.find((operation) => operation.name === NEIGHBOURHOOD_OPERATION);
  if (!neighbourhood) throw new Error(`the explorer's graph view needs the curated operation ${NEIGHBOURHOOD_OPERATION}`);
  const config = {
    assets: EXPLORER_ASSETS_PATH,
    workers: manifest.workers,
    operations: operations.map(({ name, description, body, type }) => ({ name, description, body, type })),
    neighbourhood: neighbourhood.body,
    demoUsers: demo?.users,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WRK v2 explorer</title>
${manifest.stylesheets.map((file) => `<link rel="stylesheet" href="${EXPLORER_ASSETS_PATH}${file}">`).join('\n')}
<script id="wrk-explorer-config" type="application/json">${escapeJson(config)}</script>
<script type="module" src="${EXPLORER_ASSETS_PATH}${manifest.script}"></script>
</head>
<body><div id="root"></div></body>
</html>
`;
}

const NOT_BUILT = `<!doctype html><title>WRK v2 explorer</title><p>The explorer's assets are not built: run <code>pnpm generate</code>.</p>`;

/**
 * Serves the explorer for a browser GET on /graphql: a small page that loads the bundle built by `pnpm generate`
 * (GraphiQL, the sign-in, example operations, table and graph views). Nothing comes from outside the gateway.
 */
export function offlineExplorer(operations: CuratedOperation[], demo: DemoSignIn | undefined): ApolloServerPlugin {
  const manifest = explorerManifest();
  if (!manifest) logger.warn('the explorer is not built (pnpm generate): /graphql shows how to build it');
  const html = manifest ? page(manifest, operations, demo) : NOT_BUILT;
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
];

/**
 * The built assets: hashed names, so cached for a year; the build's brotli or gzip copy when the browser accepts it.
 */
function assets(): express.RequestHandler {
  return (req, res, next) => {
    const name = req.path.slice(1);
    const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.'))];
    if (!/^[\w.-]+$/.test(name) || !type || !existsSync(join(EXPLORER_DIST, name))) {
      next();
      return;
    }
    const accepted = req.acceptsEncodings(...ENCODINGS.map((encoding) => encoding.name), 'identity');
    const encoding = ENCODINGS.find((candidate) => candidate.name === accepted);
    res.setHeader('Content-Type', type);
    res.setHeader('Vary', 'Accept-Encoding');
    if (encoding) res.setHeader('Content-Encoding', encoding.name);
    res.sendFile(`${name}${encoding?.suffix ?? ''}`, { root: EXPLORER_DIST, maxAge: ONE_YEAR_MS, immutable: true }, (error) => {
      if (error) next(error);
    });
  };
}

function demoSignIn(demo: DemoSignIn): express.RequestHandler {
  return (req, res) => {
    const body: unknown = req.body;
    const email = typeof body === 'object' && body !== null && 'email' in body ? body.email : undefined;
    if (typeof email !== 'string' || !demo.users.some((user) => user.email === email)) {
      res.status(400).json({ error: 'not a demo user' });
      return;
    }
    demo.issue(email).then(
      ({ token, expiresAt }) => res.json({ token, expiresAt: expiresAt.toISOString() }),
      (error: unknown) => {
        logger.error({ err: error }, 'demo sign-in failed');
        res.status(500).json({ error: 'demo sign-in failed' });
      },
    );
  };
}

/** The explorer's routes next to /graphql: its assets, and the demo sign-in when the stack has one. */
export function explorerRoutes(app: express.Express, demo: DemoSignIn | undefined): void {
  app.use(EXPLORER_ASSETS_PATH, assets());
  if (demo) app.post(DEMO_SIGN_IN_PATH, express.json({ limit: 1024 }), demoSignIn(demo));
  else app.post(DEMO_SIGN_IN_PATH, (_req, res) => res.status(404).json({ error: 'no demo sign-in outside the embedded demo database' }));
}
