import { entityTypeOfId } from './index.ts';

/**
 * The sources an agent output cites (`source_refs`: `[{ type, id, uri?, excerpt? }]`) and the one rule for
 * showing them, used wherever they are shown — the live objects (agents) and their audit snapshots (core): a
 * source naming an entity the caller may not see is shown redacted, neither its ID nor its excerpt.
 */
export interface ShownSourceRef {
  type: string;
  id: string;
  uri: string | null;
  excerpt: string | null;
}

export const REDACTED_SOURCE: ShownSourceRef = { type: 'redacted', id: 'redacted', uri: null, excerpt: null };

const text = (value: unknown) => (typeof value === 'string' ? value : null);

const storedRefs = (stored: unknown): Record<string, unknown>[] =>
  Array.isArray(stored) ? stored.filter((ref): ref is Record<string, unknown> => typeof ref === 'object' && ref !== null) : [];

/** The entity IDs among stored sources (a source may also be a URL or a document outside the graph). */
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
      if (entityTypeOfId(id) && !(await visible(id))) return REDACTED_SOURCE;
      return { type: text(ref.type) ?? '', id, uri: text(ref.uri), excerpt: text(ref.excerpt) };
    }),
  );
}
