import { ErrorCode, httpError, operationLimitsFromEnv, type Provenance, type ProvenanceSourceRef } from '@wrk/platform';
import { entityTypeOfId } from './index.ts';

/** Where an agent's provenance travels in a GraphQL request: `extensions: { wrk: { runId, sourceRefs } }`. */
export const FIELD = 'extensions.wrk';

const MAX_TEXT = 2_000;
const MAX_LIST_SIZE = operationLimitsFromEnv().maxListSize;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const refused = (code: ErrorCode, message: string, field: string) => httpError(code, message, { status: 400 }, { field });

function sourceRef(value: unknown, index: number): ProvenanceSourceRef {
  const at = `${FIELD}.sourceRefs[${index}]`;
  if (!isRecord(value) || typeof value.id !== 'string' || !entityTypeOfId(value.id)) {
    throw refused(ErrorCode.BAD_USER_INPUT, `${at} must be an object naming a WRK entity or Box item by its id`, `${at}.id`);
  }
  const { quote, retrievedAt } = value;
  if (quote !== undefined && quote !== null && (typeof quote !== 'string' || quote.length > MAX_TEXT)) {
    throw refused(ErrorCode.BAD_USER_INPUT, `${at}.quote must be text of at most ${MAX_TEXT} characters`, `${at}.quote`);
  }
  const time = typeof retrievedAt === 'string' ? new Date(retrievedAt) : null;
  if (retrievedAt !== undefined && retrievedAt !== null && (!time || Number.isNaN(time.getTime()))) {
    throw refused(ErrorCode.BAD_USER_INPUT, `${at}.retrievedAt must be a date-time`, `${at}.retrievedAt`);
  }
  // The one shape of a source reference (catalog/src/sources.ts): { id, quote?, retrievedAt? }.
  return { id: value.id, ...(typeof quote === 'string' ? { quote } : {}), ...(time ? { retrievedAt: time.toISOString() } : {}) };
}

/** The request extension `wrk` of an agent's mutation, checked for shape: a run ID and one or more sources. */
export function provenanceOfExtension(extension: unknown): Provenance {
  if (!isRecord(extension) || typeof extension.runId !== 'string' || entityTypeOfId(extension.runId)?.typename !== 'AgentRun') {
    throw refused(ErrorCode.PROVENANCE_REQUIRED, `An agent's write must name its run: ${FIELD}.runId (run_…)`, `${FIELD}.runId`);
  }
  const refs = extension.sourceRefs;
  if (!Array.isArray(refs) || refs.length === 0) {
    throw refused(
      ErrorCode.PROVENANCE_REQUIRED,
      `An agent's write must cite its sources: ${FIELD}.sourceRefs, never empty`,
      `${FIELD}.sourceRefs`,
    );
  }
  if (refs.length > MAX_LIST_SIZE) {
    throw refused(ErrorCode.BAD_USER_INPUT, `${FIELD}.sourceRefs may hold at most ${MAX_LIST_SIZE} sources`, `${FIELD}.sourceRefs`);
  }
  return { runId: extension.runId, sourceRefs: refs.map(sourceRef) };
}
