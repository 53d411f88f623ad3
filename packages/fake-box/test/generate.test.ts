import { BoxState, generateBoxTree, startFakeBox, type Item } from '../src/index.ts';
import { ccgClient } from './helpers.ts';

/** Depth of an item below folder 0. */
function depthOf(state: BoxState, item: Item): number {
  return state.ancestors(item).length;
}

describe('generateBoxTree', () => {
  test('is deterministic for a seed and has the asked size and depth', () => {
    const a = generateBoxTree({ items: 600, depth: 5, seed: 7 });
    const b = generateBoxTree({ items: 600, depth: 5, seed: 7 });
    const shape = (t: ReturnType<typeof generateBoxTree>) =>
      [...t.state.items.values()].map((i) => `${i.id}:${i.type}:${i.name}:${i.parentId}:${i.modifiedAt.toISOString()}`);
    expect(shape(a)).toEqual(shape(b));
    expect(a.folderIds.length + a.fileIds.length).toBe(600);
    const maxDepth = Math.max(...[...a.state.items.values()].map((i) => depthOf(a.state, i)));
    expect(maxDepth).toBe(5 + 1 + 1);
    expect(a.collaborationIds.length).toBeGreaterThan(0);
    expect(shape(generateBoxTree({ items: 600, depth: 5, seed: 8 }))).not.toEqual(shape(a));
  });

  test('a 5,000-item tree walks completely through the SDK with marker paging', async () => {
    const tree = generateBoxTree({ items: 5000, depth: 6, seed: 42 });
    const fake = await startFakeBox({ state: tree.state });
    try {
      const client = ccgClient(fake);
      const seen = new Set<string>();
      const folders = [tree.rootId];
      while (folders.length > 0) {
        const folderId = folders.pop() ?? '';
        let marker: string | undefined;
        do {
          const page = await client.folders.getFolderItems(folderId, {
            queryParams: { fields: ['id', 'type', 'name', 'parent'], usemarker: true, marker, limit: 1000 },
          });
          for (const entry of page.entries ?? []) {
            seen.add(entry.id);
            if (entry.type === 'folder') folders.push(entry.id);
          }
          marker = page.nextMarker ?? undefined;
        } while (marker);
      }
      expect(seen).toEqual(new Set([...tree.folderIds, ...tree.fileIds]));
    } finally {
      await fake.stop();
    }
  });
});
