import { entityTypeOfId } from '@wrk/catalog';
import { FIELD, provenanceOfExtension } from '@wrk/catalog/provenance';
import { ErrorCode, gatewayOnlyRoute, type Provenance, type SubgraphDefinition } from '@wrk/platform';
import type { Context } from './context.ts';
import { isOpen, ownsRun } from './entities/agentRun/lifecycle.ts';

/** A refusal of an agent's provenance, as the gateway passes it on (code, message, the offending field). */
export interface ProvenanceRefusal {
  code: ErrorCode;
  message: string;
  field?: string;
}

/**
 * Whether an agent may write under this provenance: the run is its own (started with the same token) and still open, and every source names an entity or Box item that exists and the agent may see (hidden answers
 * as missing).
 */
export async function provenanceRefusal(ctx: Context, provenance: Provenance): Promise<ProvenanceRefusal | null> {
  const { claims } = ctx;
  if (claims.kind !== 'agent') return { code: ErrorCode.FORBIDDEN, message: 'Only agent tokens write under a run' };
  const run = await ctx.db.agentRun.findUnique({ where: { externalId: provenance.runId } });
  if (!run || !ownsRun(run, claims) || !isOpen(run)) {
    return { code: ErrorCode.PROVENANCE_REQUIRED, message: `${FIELD}.runId must name an open run of this agent`, field: `${FIELD}.runId` };
  }
  const shown = await Promise.all(
    provenance.sourceRefs.map((ref) => (entityTypeOfId(ref.id) ? ctx.loaders.entityVisible(ref.id) : Promise.resolve(false))),
  );
  const hidden = shown.indexOf(false);
  if (hidden >= 0) {
    const id = provenance.sourceRefs[hidden]?.id ?? '';
    return { code: ErrorCode.NOT_FOUND, message: `No entity with ID "${id}"`, field: `${FIELD}.sourceRefs[${hidden}].id` };
  }
  return null;
}

/**
 * POST /internal/provenance: the gateway, signing the agent's own claims, asks before it signs an agent's run and
 * sources into the claims of a mutation. 200 `{ ok: true }` or 400 with the refusal.
 */
export const provenanceRoute: NonNullable<SubgraphDefinition<Context>['routes']> = (app, verify, contextFor) =>
  gatewayOnlyRoute(app, '/internal/provenance', verify, async (signed, body) => {
    const refusal = await provenanceRefusal(contextFor(signed), provenanceOfExtension(body));
    return { status: refusal ? 400 : 200, body: refusal ?? { ok: true } };
  });
