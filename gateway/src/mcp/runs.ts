import { GraphQLError, Kind } from 'graphql';
import { entityTypeOfId } from '@wrk/catalog';
import { logger, type Claims, type ProvenanceSourceRef } from '@wrk/platform';
import type { ProvenanceCheck } from '../provenance.ts';
import type { CuratedOperation } from './operations.ts';

export interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
}

/** Runs a curated operation through the gateway's own GraphQL pipeline, as the given claims. */
export type Execute = (
  operation: CuratedOperation,
  variables: Record<string, unknown>,
  claims: Claims,
  extensions?: Record<string, unknown>,
) => Promise<GraphQLResult>;

/** The root fields that keep a run's own trace: tools made of them are not traced as steps of a run. */
const TRACE_FIELDS: ReadonlySet<string> = new Set(['startRun', 'appendStep', 'finishRun']);

export const isTraceOperation = (operation: CuratedOperation) =>
  operation.operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && TRACE_FIELDS.has(s.name.value));

/** Where an MCP client names the run of a call besides the `runId` argument: the request's `_meta`. */
export const RUN_META = 'wrk/runId';
export const STEP_META = 'wrk/stepId';

/** The scopes the trace's two fixed documents (StartRun, AppendRunStep) need, added for them only. */
const TRACE_SCOPES = ['agents:read', 'agents:write'];
/** How many implicit runs one gateway process remembers (one per agent token). */
const MAX_REMEMBERED = 10_000;
/** How many entity IDs of a read's result a step cites as its sources. */
const MAX_STEP_SOURCES = 20;

/** A call the MCP layer does not run: its named run is not the agent's own open run, or no run could be started. */
export class RunRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const firstError = (result: GraphQLResult) => result.errors?.[0];

/** The approval an agent's write was held for (APPROVAL_REQUIRED), if it was. */
export function heldForApproval(result: GraphQLResult): { id: string; reason: string } | undefined {
  const error = result.errors?.length === 1 ? firstError(result) : undefined;
  const extensions = error?.extensions;
  if (extensions?.code !== 'APPROVAL_REQUIRED' || typeof extensions.approvalId !== 'string') return undefined;
  return { id: extensions.approvalId, reason: typeof extensions.reason === 'string' ? extensions.reason : '' };
}

/** A step's output: what came back, in a few numbers and IDs, not the data itself. */
export function summaryOf(result: GraphQLResult): Record<string, unknown> {
  const approval = heldForApproval(result);
  if (approval) return { approval };
  if (result.errors?.length) return { errors: result.errors.map((e) => ({ code: e.extensions?.code ?? 'ERROR', message: e.message })) };
  const summary: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(result.data ?? {})) {
    if (Array.isArray(value)) summary[field] = { count: value.length };
    else if (isRecord(value) && Array.isArray(value.nodes))
      summary[field] = { count: value.nodes.length, ...(typeof value.totalCount === 'number' && { totalCount: value.totalCount }) };
    else if (isRecord(value)) summary[field] = typeof value.id === 'string' ? { id: value.id } : { fields: Object.keys(value).length };
    else summary[field] = value ?? null;
  }
  return { data: summary };
}

/** The IDs of linkable entities (`id` fields) in a result, first met first, without repeats. */
export function entityIdsIn(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (found.size >= MAX_STEP_SOURCES) return found;
  if (Array.isArray(value)) for (const item of value) entityIdsIn(item, found);
  else if (isRecord(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'id' && typeof inner === 'string' && entityTypeOfId(inner)?.linkable && found.size < MAX_STEP_SOURCES) found.add(inner);
      else entityIdsIn(inner, found);
    }
  }
  return found;
}

export interface StepRecord {
  tool: string;
  input: Record<string, unknown>;
  output: Record<string, unknown>;
  status: 'SUCCEEDED' | 'FAILED';
  durationMs: number;
  sourceRefs: ProvenanceSourceRef[];
}

export interface RunsOptions {
  execute: Execute;
  checkProvenance: ProvenanceCheck;
  startRun: CuratedOperation;
  appendStep: CuratedOperation;
}

const runRefusedFrom = (error: unknown): RunRefused | undefined =>
  error instanceof GraphQLError
    ? new RunRefused(
        typeof error.extensions.code === 'string' ? error.extensions.code : 'ERROR',
        'runId: must name an open run started with this agent token',
      )
    : undefined;

/**
 * The runs that MCP tool calls of agents are traced in. A call names its run (the `runId` argument, or `_meta`
 * `wrk/runId`), which must be the agent's own open run; a call naming none joins the run this gateway opened for
 * the same agent token, which stays open for the token's next calls until the agent finishes it (FinishRun) or it
 * idles past WRK_RUN_ABANDON_AFTER and the reaper marks it ABANDONED — then the next call opens a new one. The run
 * and its steps are written through the graph as the agent (its token owns the run), with the trace documents'
 * scope added for those two fixed documents only: an agent that may only read is traced too, and nothing in a
 * tool call's arguments reaches the trace but as data (the step's input).
 */
export function mcpRuns(options: RunsOptions) {
  const implicit = new Map<string, Promise<string>>();
  const asTracer = (claims: Claims): Claims => ({ ...claims, scopes: [...new Set([...claims.scopes, ...TRACE_SCOPES])] });

  /** Whether the run is the agent's own and still open, asked of agents as for a write's provenance. */
  async function check(claims: Claims, runId: string): Promise<void> {
    await options.checkProvenance(claims, { runId, sourceRefs: [{ id: runId }] });
  }

  async function open(claims: Claims): Promise<string> {
    const input = { model: 'unknown', task: `MCP tool calls of ${claims.agent ?? 'an agent'}`, parameters: { via: 'mcp' } };
    const result = await options.execute(options.startRun, { input }, asTracer(claims));
    const run = result.data?.startRun;
    if (isRecord(run) && typeof run.id === 'string') return run.id;
    const error = firstError(result);
    throw new RunRefused(error?.extensions?.code ?? 'ERROR', `No run could be started for this call: ${error?.message ?? 'no answer'}`);
  }

  function remember(key: string, opening: Promise<string>): Promise<string> {
    if (implicit.size >= MAX_REMEMBERED) implicit.delete(implicit.keys().next().value ?? '');
    implicit.set(key, opening);
    opening.catch(() => implicit.get(key) === opening && implicit.delete(key));
    return opening;
  }

  async function implicitRun(claims: Claims): Promise<string> {
    const key = claims.tokenId ?? `agent:${claims.agent ?? ''}`;
    const current = implicit.get(key);
    if (current) {
      const runId = await current.catch(() => undefined);
      const open =
        runId !== undefined &&
        (await check(claims, runId).then(
          () => true,
          () => false,
        ));
      if (runId !== undefined && open) return runId;
      const replaced = implicit.get(key);
      if (replaced && replaced !== current) return replaced;
    }
    return remember(key, open(claims));
  }

  return {
    /** The run a call is traced in, checked before anything of the call runs. */
    async runFor(claims: Claims, named: string | undefined): Promise<string> {
      if (named === undefined) return implicitRun(claims);
      await check(claims, named).catch((error: unknown) => {
        throw runRefusedFrom(error) ?? error;
      });
      return named;
    },

    /** Appends the call as a step; when its sources cannot be cited (a race with a change), it cites the run. */
    async record(claims: Claims, runId: string, step: StepRecord): Promise<string | undefined> {
      const append = async (sourceRefs: ProvenanceSourceRef[]) => {
        const result = await options.execute(options.appendStep, { runId, input: { ...step, sourceRefs } }, asTracer(claims));
        const appended = result.data?.appendStep;
        if (isRecord(appended) && typeof appended.id === 'string') return appended.id;
        logger.error({ runId, tool: step.tool, errors: result.errors }, 'an MCP call could not be traced');
        return undefined;
      };
      const stepId = await append(step.sourceRefs);
      return stepId ?? (step.sourceRefs.some((ref) => ref.id !== runId) ? append([{ id: runId }]) : undefined);
    },
  };
}

export type McpRuns = ReturnType<typeof mcpRuns>;
