import { badUserInput, optionalText } from '@wrk/platform';
import { entityTypeOfId } from './index.ts';

/**
 * Source references: what an agent output or an agent write was derived from. One definition for every subgraph:
 * `{ id, quote?, retrievedAt? }`, where `id` names a WRK entity or a Box item (box_…) by its external ID.
 * - `parseSourceRefs` checks them on the way in: shape, then existence and visibility (one answer for both).
 * - The database refuses any stored element of another shape (`agents.valid_source_refs`, prisma/agents/constraints.sql).
 * - `redactSources` shows them: a source naming an entity the caller may not see is shown redacted — neither its
 *   ID nor its quote — wherever it is shown, the live objects (agents) and their audit snapshots (core).
 */
// A type alias (not an interface) so that it is assignable to Prisma's JSON input.
export type StoredSourceRef = {
  id: string;
  quote?: string;
  /** ISO 8601, as the DateTime scalar serialises. */
  retrievedAt?: string;
};

export interface ShownSourceRef {
  id: string;
  quote: string | null;
  retrievedAt: string | null;
}

/** A source reference as the GraphQL input `SourceRefInput` delivers it (the DateTime scalar parses to a Date). */
export interface SourceRefArgument {
  id: string;
  quote?: string | null;
  retrievedAt?: Date | string | null;
}

export const REDACTED_SOURCE: ShownSourceRef = { id: 'redacted', quote: null, retrievedAt: null };

export const MAX_SOURCE_REFS = 100;
const MAX_QUOTE_CHARS = 2_000;

const text = (value: unknown) => (typeof value === 'string' ? value : null);

const storedRefs = (stored: unknown): Record<string, unknown>[] =>
  Array.isArray(stored) ? stored.filter((ref): ref is Record<string, unknown> => typeof ref === 'object' && ref !== null) : [];

/** The entity IDs among stored sources. */
export function sourceEntityIds(stored: unknown): string[] {
  return storedRefs(stored)
    .map((ref) => text(ref.id) ?? '')
    .filter((id) => entityTypeOfId(id) !== undefined);
}

/** Stored sources as the caller may see them; `visible` is the caller's rule for any entity ID (batched). */
export function redactSources(stored: unknown, visible: (id: string) => Promise<boolean>): Promise<ShownSourceRef[]> {
  return Promise.all(
    storedRefs(stored).map(async (ref) => {
      const id = text(ref.id) ?? '';
      if (!entityTypeOfId(id) || !(await visible(id))) return REDACTED_SOURCE;
      return { id, quote: text(ref.quote), retrievedAt: text(ref.retrievedAt) };
    }),
  );
}

function retrievedAt(field: string, value: Date | string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw badUserInput(field, 'must be a date-time');
  return date.toISOString();
}

/** One reference's shape (no I/O): its ID names a linkable entity type; quote and time are well-formed. */
function sourceRefShape(field: string, ref: SourceRefArgument): StoredSourceRef {
  const type = entityTypeOfId(ref.id);
  if (!type?.linkable) throw badUserInput(`${field}.id`, 'must be the ID of a WRK entity or a Box item (e.g. ctr_…, box_…)');
  const quote = optionalText(`${field}.quote`, ref.quote, MAX_QUOTE_CHARS);
  const at = retrievedAt(`${field}.retrievedAt`, ref.retrievedAt);
  return { id: ref.id, ...(quote ? { quote } : {}), ...(at ? { retrievedAt: at } : {}) };
}

/**
 * The source references of an agent output or write, checked: never empty, each of the shape above, and each naming
 * an entity that exists and the caller may see. `exists` answers both at once with the caller's claims (the
 * owner's `_entities`, batched per owner by the caller's loader), so a missing source and a hidden one get the same
 * error: BAD_USER_INPUT naming the reference's field (`sourceRefs[1].id`).
 */
export async function parseSourceRefs(
  field: string,
  refs: readonly SourceRefArgument[],
  exists: (id: string) => Promise<boolean>,
): Promise<StoredSourceRef[]> {
  if (refs.length === 0) throw badUserInput(field, 'must name at least one source the output is derived from');
  if (refs.length > MAX_SOURCE_REFS) throw badUserInput(field, `must name at most ${MAX_SOURCE_REFS} sources`);
  const parsed = refs.map((ref, index) => sourceRefShape(`${field}[${index}]`, ref));
  const found = await Promise.all(parsed.map((ref) => exists(ref.id)));
  const missing = found.indexOf(false);
  if (missing >= 0) throw badUserInput(`${field}[${missing}].id`, `names no entity you can see: ${parsed[missing]?.id ?? ''}`);
  return parsed;
}
