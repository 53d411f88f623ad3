import { z } from 'zod';

/**
 * Box's JSON as the API sends it (snake_case), read from the SDK's `rawData`: the typed SDK objects drop fields
 * (a FolderMini in a folder listing loses `parent` and `modified_at`), and their unions refuse some event sources.
 */
const id = z.union([z.string(), z.number()]).transform(String);
const nullableText = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

export const boxUserJson = z.object({ type: z.literal('user').optional(), id, name: z.string().nullish(), login: z.string().nullish() });

export const boxItemJson = z.object({
  type: z.enum(['file', 'folder', 'web_link']),
  id,
  name: z.string().nullish(),
  etag: nullableText,
  sequence_id: nullableText,
  parent: z.object({ id }).nullish(),
  modified_at: nullableText,
  item_status: z.string().nullish(),
  size: z.number().nullish(),
  owned_by: boxUserJson.nullish(),
  shared_link: z.record(z.string(), z.unknown()).nullish(),
  trashed_at: nullableText,
  path_collection: z.object({ entries: z.array(z.object({ id, name: z.string().nullish() })) }).nullish(),
});
export type BoxItemJson = z.infer<typeof boxItemJson>;

export const boxItemsPageJson = z.object({
  entries: z.array(z.unknown()),
  next_marker: z.string().nullish(),
});

export const boxGroupJson = z.object({ type: z.literal('group').optional(), id, name: z.string().nullish() });

export const boxCollaborationJson = z.object({
  id,
  item: z.object({ type: z.string(), id }).nullish(),
  accessible_by: z.union([boxUserJson.extend({ type: z.literal('user') }), boxGroupJson.extend({ type: z.literal('group') })]).nullish(),
  role: z.string(),
  status: z.enum(['accepted', 'pending', 'rejected']),
  expires_at: nullableText,
  is_access_only: z.boolean().nullish(),
});
export type BoxCollaborationJson = z.infer<typeof boxCollaborationJson>;

export const boxCollaborationsPageJson = z.object({ entries: z.array(z.unknown()), next_marker: z.string().nullish() });

export const boxMembershipJson = z.object({
  id: id.nullish(),
  user: boxUserJson,
  group: boxGroupJson.nullish(),
  role: z.string().nullish(),
});

export const boxOffsetPageJson = z.object({
  entries: z.array(z.unknown()),
  total_count: z.number().nullish(),
  offset: z.number().nullish(),
  limit: z.number().nullish(),
});

export const boxEventJson = z.object({
  event_id: z.string(),
  event_type: z.string().nullish(),
  created_at: nullableText,
  source: z.record(z.string(), z.unknown()).nullish(),
  additional_details: z.record(z.string(), z.unknown()).nullish(),
});
export type BoxEventJson = z.infer<typeof boxEventJson>;

export const boxEventsPageJson = z.object({
  entries: z.array(z.unknown()).nullish(),
  next_stream_position: z.union([z.string(), z.number()]).nullish(),
});

/** The entries of a page that parse, and how many did not (logged by the caller, never silently mirrored). */
export function parseEntries<T>(schema: z.ZodType<T>, entries: unknown[]): { ok: T[]; failed: number } {
  const ok: T[] = [];
  let failed = 0;
  for (const entry of entries) {
    const parsed = schema.safeParse(entry);
    if (parsed.success) ok.push(parsed.data);
    else failed++;
  }
  return { ok, failed };
}
