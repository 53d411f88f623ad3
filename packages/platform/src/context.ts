import type { Claims } from './claims.ts';

/** What every resolver of every subgraph knows about the request: verified claims and write attribution. */
export interface RequestContext {
  claims: Claims;
  requestId: string;
  /** Who writes: taken from the verified claims, never from client input. */
  actor: string;
  /** Through what: web, agent:<name>, cli, seed, box-sync, … */
  sourceSystem: string;
}

export function requestContextFromClaims(claims: Claims): RequestContext {
  return {
    claims,
    requestId: claims.requestId,
    actor: actorOf(claims),
    sourceSystem: sourceSystemOf(claims),
  };
}

function actorOf(claims: Claims): string {
  if (claims.kind === 'agent') return `agent:${claims.agent ?? 'unknown'}`;
  return claims.sub ?? claims.kind;
}

function sourceSystemOf(claims: Claims): string {
  if (claims.kind === 'agent') return `agent:${claims.agent ?? 'unknown'}`;
  if (claims.kind === 'system') return claims.agent ?? 'system';
  return 'web';
}

/** A reference to an entity another subgraph owns: the gateway fetches its fields from the owner. */
export interface EntityRef {
  __typename?: string;
  id: string;
}
