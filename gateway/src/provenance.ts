import type { ApolloServerPlugin } from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import { FIELD, provenanceOfExtension, refused } from '@wrk/catalog/provenance';
import { CLAIMS_HEADER, signClaims, type Claims, type ErrorCode, type Provenance, type ServiceKeyring } from '@wrk/platform';
import type { GatewayContext } from './context.ts';

const TIMEOUT_MS = 5_000;

/** Asks agents (signing the agent's own claims) whether the run is the agent's own open run and every source is visible to it. */
export type ProvenanceCheck = (claims: Claims, provenance: Provenance) => Promise<void>;

export function provenanceCheck(agentsGraphqlUrl: string, keyring: ServiceKeyring): ProvenanceCheck {
  const url = agentsGraphqlUrl.replace(/\/graphql$/, '/internal/provenance');
  return async (claims, provenance) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CLAIMS_HEADER]: signClaims(keyring, 'agents', provenance, claims) },
      body: JSON.stringify(provenance),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (response.ok) return;
    if (response.status !== 400) throw new Error(`agents answered ${response.status} to a provenance check`);
    const refusal = (await response.json()) as { code: ErrorCode; message: string; field?: string };
    throw refused(refusal.code, refusal.message, refusal.field ?? FIELD);
  };
}

/**
 * Provenance of agents' writes, one mechanism for every mutation of every subgraph: an agent sends
 * `extensions: { wrk: { runId, sourceRefs } }`; for a mutation the gateway checks its shape, asks agents (signing the
 * agent's own claims) whether the run is the agent's own open run and every source exists and is visible to it, and
 * signs it into the claims every subgraph receives. A mutation without it reaches the subgraphs without provenance,
 * and their write path (writeAndRecord) refuses it: PROVENANCE_REQUIRED.
 */
export function provenancePlugin(check: ProvenanceCheck): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, contextValue }) {
          const { claims } = contextValue;
          if (claims.kind !== 'agent' || operation?.operation !== OperationTypeNode.MUTATION) return;
          const extension: unknown = request.extensions?.wrk;
          if (extension === undefined) return;
          const provenance = provenanceOfExtension(extension);
          await check(claims, provenance);
          contextValue.claims = { ...claims, provenance };
        },
      };
    },
  };
}
