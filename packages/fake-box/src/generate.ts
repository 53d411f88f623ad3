import type { CollaborationRole, CollaborationStatus } from './model.ts';
import { BoxState } from './state.ts';

export interface TreeOptions {
  /** Folders and files to create under the generated root (the root itself not counted). */
  items: number;
  /** Folder levels below the generated root; the tree reaches exactly this depth. */
  depth?: number;
  seed?: number;
  /** Adds to this state (a new one unless given). */
  state?: BoxState;
  /** Children per folder, on average. */
  fanout?: number;
  /** Enterprise users and groups to create and share folders with; 0 for none. */
  users?: number;
  groups?: number;
  /** Share of folders that get a collaboration (0..1). */
  collaborationRate?: number;
}

export interface GeneratedTree {
  state: BoxState;
  rootId: string;
  folderIds: string[];
  fileIds: string[];
  userIds: string[];
  groupIds: string[];
  collaborationIds: string[];
}

/** mulberry32: a small deterministic PRNG, so a seed always gives the same tree. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const WORDS = [
  'alpha',
  'budget',
  'contract',
  'design',
  'estimate',
  'forecast',
  'grant',
  'handbook',
  'invoice',
  'journal',
  'kickoff',
  'ledger',
  'minutes',
  'notes',
  'outline',
  'plan',
  'quote',
  'report',
  'summary',
  'timeline',
];
const ROLES: CollaborationRole[] = ['editor', 'viewer', 'previewer', 'viewer uploader', 'co-owner', 'uploader', 'previewer uploader'];

/**
 * A big deterministic tree for sync tests and benchmarks: `items` folders and files under one new root folder, `depth`
 * levels deep, with users, groups, memberships and collaborations (some pending, some expired) on a share of folders.
 */
export function generateBoxTree(options: TreeOptions): GeneratedTree {
  const seed = options.seed ?? 1;
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => {
    const value = list[Math.floor(rand() * list.length)];
    if (value === undefined) throw new Error('pick from an empty list');
    return value;
  };
  const state = options.state ?? new BoxState();
  const depth = Math.max(1, options.depth ?? 6);
  const fanout = Math.max(2, options.fanout ?? 12);
  const at = new Date('2026-05-01T09:00:00Z');
  const tick = (n: number) => new Date(at.getTime() + n * 1000);

  const userIds: string[] = [];
  for (let i = 0; i < (options.users ?? 20); i++) {
    userIds.push(state.addUser({ name: `Generated User ${seed}-${i}`, login: `gen${seed}.${i}@example.com`, at }).id);
  }
  const groupIds: string[] = [];
  for (let i = 0; i < (options.groups ?? 4); i++) {
    const group = state.addGroup({ name: `Generated Group ${seed}-${i}`, at });
    groupIds.push(group.id);
    for (const userId of userIds) if (rand() < 0.3) state.addGroupMember(group.id, userId, { at });
  }

  const root = state.createFolder({ name: `Generated tree ${seed}`, parentId: '0', at });
  const folderIds: string[] = [];
  const fileIds: string[] = [];
  const levelOf = new Map<string, number>([[root.id, 0]]);
  let created = 0;
  const add = (parentId: string, folder: boolean): string => {
    const level = (levelOf.get(parentId) ?? 0) + 1;
    const name = `${pick(WORDS)}-${created}`;
    created++;
    if (folder) {
      const id = state.createFolder({ name, parentId, at: tick(created), ownerId: pick([state.serviceAccountId, ...userIds]) }).id;
      levelOf.set(id, level);
      folderIds.push(id);
      return id;
    }
    const text = `${name}: ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} for tree ${seed}, level ${level}.`;
    const id = state.uploadFile({ name: `${name}.txt`, parentId, content: text, at: tick(created) }).id;
    fileIds.push(id);
    return id;
  };

  // A spine reaching the full depth first, then breadth-first filling.
  let spine = root.id;
  for (let level = 0; level < depth && created < options.items; level++) spine = add(spine, true);
  const queue = [root.id, ...folderIds];
  for (let q = 0; q < queue.length && created < options.items; q++) {
    const parentId = queue[q] ?? root.id;
    const level = levelOf.get(parentId) ?? 0;
    const kids = 1 + Math.floor(rand() * fanout * 2);
    for (let k = 0; k < kids && created < options.items; k++) {
      const folder = level < depth && rand() < 0.25;
      const id = add(parentId, folder);
      if (folder) queue.push(id);
    }
    if (q === queue.length - 1 && created < options.items) queue.push(parentId);
  }

  const collaborationIds: string[] = [];
  const principals = [...userIds.map((id) => ({ type: 'user' as const, id })), ...groupIds.map((id) => ({ type: 'group' as const, id }))];
  if (principals.length > 0) {
    for (const folderId of folderIds) {
      if (rand() >= (options.collaborationRate ?? 0.1)) continue;
      const r = rand();
      const status: CollaborationStatus = r < 0.1 ? 'pending' : 'accepted';
      const expiresAt = r > 0.9 ? new Date('2026-02-01T00:00:00Z') : r > 0.8 ? new Date('2030-01-01T00:00:00Z') : null;
      const collab = state.addCollaboration({ itemId: folderId, accessibleBy: pick(principals), role: pick(ROLES), status, expiresAt, at });
      collaborationIds.push(collab.id);
    }
  }
  return { state, rootId: root.id, folderIds, fileIds, userIds, groupIds, collaborationIds };
}
