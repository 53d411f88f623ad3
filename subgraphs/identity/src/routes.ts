import express from 'express';
import { causeOf, GATEWAY_SERVICE, isUnavailableError, logger, logThrottled, type VerifiedRequest } from '@wrk/platform';
import type { IdentityDb } from './db.ts';
import { InvalidTokenError, sessionClaims } from './sessions.ts';
import { publicKeys } from './tokens.ts';

/**
 * Identity's HTTP endpoints next to /graphql:
 * - GET /.well-known/jwks.json: the public keys that verify tokens (the gateway checks signatures at the edge);
 * - POST /internal/session: the gateway asks, on a miss of its session cache, for the current claims of a bearer token
 *   (revocation, role, teams and grants read fresh). Only the gateway may ask.
 */
export function identityRoutes(db: IdentityDb) {
  return (app: express.Express, verify: (req: express.Request) => VerifiedRequest) => {
    app.get('/.well-known/jwks.json', async (_req, res) => {
      res.json(await publicKeys(db));
    });
    app.post('/internal/session', express.json(), async (req, res) => {
      const signedByGateway = (() => {
        try {
          const signed = verify(req);
          return signed.issuer === GATEWAY_SERVICE && !signed.delegated;
        } catch {
          return false;
        }
      })();
      if (!signedByGateway) {
        res.status(401).json({ error: 'gateway signature required' });
        return;
      }
      const { token, requestId } = req.body as { token?: unknown; requestId?: unknown };
      if (typeof token !== 'string' || typeof requestId !== 'string') {
        res.status(400).json({ error: 'token and requestId are required' });
        return;
      }
      try {
        res.json(await sessionClaims(db, token, requestId));
      } catch (error) {
        if (error instanceof InvalidTokenError) {
          res.status(401).json({ error: error.message });
          return;
        }
        // The token was not judged: the database failed (503, the gateway answers UNAVAILABLE) or something else did.
        const down = isUnavailableError(error);
        if (down) logThrottled('warn', `session lookup: ${causeOf(error)}`, {}, 'session lookup failed: the database is unavailable');
        else logger.error({ err: error }, 'session lookup failed');
        res.status(down ? 503 : 500).json({ error: down ? 'unavailable' : 'internal error' });
      }
    });
  };
}
