import { seesEverything, type Claims } from '@wrk/platform';

/**
 * Row-level visibility of agents, as Prisma `where` fragments built once per request from the verified claims;
 * every read path (lists and their counts, by-ID loaders, relationships, references) builds on them.
 * - Runs, steps, approvals and insights are internal: everyone holding the scope sees them.
 * - An agent token with an allowlist sees only the runs started with its own token (and their steps, approvals,
 *   facts and insights) plus the entities of its allowlist (and facts about them).
 * - A knowledge fact is visible only when its subject is: checked after loading, by the subject's owner (see
 *   loaders.ts), since the subject lives in another subgraph.
 * - An approval is shown only to who sees its target, or, for a held change without one (a creation), every entity
 *   of its scope (`scopeIds`, checked after loading like facts' subjects); one with neither, to admins only.
 * - Anonymous callers see nothing.
 */
const NOTHING = { id: { lt: 0 } };

export function agentsVisibility(claims: Claims) {
  if (claims.kind === 'anonymous') {
    return { run: NOTHING, step: NOTHING, ofRun: NOTHING, fact: NOTHING, approval: NOTHING };
  }
  const approval = seesEverything(claims) ? {} : { OR: [{ targetId: { not: null } }, { NOT: { scopeIds: { isEmpty: true } } }] };
  const allow = claims.allow ?? [];
  if (!allow.length) return { run: {}, step: {}, ofRun: {}, fact: {}, approval };
  const run = { OR: [{ externalId: { in: allow } }, ...(claims.tokenId ? [{ tokenId: claims.tokenId }] : [])] };
  return {
    run,
    /** agent_steps (their run is required). */
    step: { OR: [{ externalId: { in: allow } }, { run }] },
    /** approvals and insights (their run is optional). */
    ofRun: { OR: [{ externalId: { in: allow } }, { run: { is: run } }] },
    /** Facts, before their subject is checked: allowed, about an allowed entity, or from a visible run. */
    fact: { OR: [{ externalId: { in: allow } }, { subjectId: { in: allow } }, { run: { is: run } }] },
    /** Approvals, besides `ofRun`: those with a target or a scope (see above). */
    approval,
  };
}

export type AgentsVisibility = ReturnType<typeof agentsVisibility>;
