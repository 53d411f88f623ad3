import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { cursorKey } from './cursorKey.ts';
import { badUserInput } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export type ConnectionArgs = {
  first?: number | null;
  after?: string | null;
};

export interface Connection<Row> {
  edges: { cursor: string; node: Row }[];
  nodes: Row[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null; hasPreviousPage: boolean; startCursor: string | null };
  /** A lazy promise (Prisma's run only when awaited): the count query runs only when totalCount is selected. */
  totalCount: PromiseLike<number>;
}

export type SortDirection = 'asc' | 'desc';

/** One column a list is ordered by; every list is then ordered by `id` ascending, which makes the order total. */
export interface SortKey {
  field: string;
  direction: SortDirection;
  /** A nullable column: its nulls sort last in both directions. */
  nullable?: boolean;
  /** An enum column: its values in the database's order (Prisma compares enums only by equality). */
  enumValues?: readonly string[];
}

/** What a cursor is valid for: one list (e.g. `Query.items`) with the same arguments besides the page. */
export interface ListIdentity {
  list: string;
  args: ConnectionArgs & Readonly<Record<string, unknown>>;
}

type KeyValue = string | number | boolean | bigint | Date | null;
type EncodedValue = string | number | boolean | null | { d: string } | { n: string };

const CURSOR_ERROR = 'is not a cursor of this list';
const IV_BYTES = 16;
const MAC_BYTES = 32;

/** JSON with object keys sorted, so that equal arguments always hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, inner]) => inner !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The list, its order and its filtering arguments, hashed: a cursor of another list (or filter) is refused. */
export function listBinding(identity: ListIdentity, keys: readonly SortKey[]): string {
  const { first: _first, after: _after, ...shape } = identity.args;
  return createHash('sha256')
    .update(canonical({ list: identity.list, keys, shape }))
    .digest('base64url')
    .slice(0, 22);
}

function encodeValue(value: unknown): EncodedValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return { d: value.toISOString() };
  if (typeof value === 'bigint') return { n: value.toString() };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new Error(`A sort key of type ${typeof value} cannot go in a cursor`);
}

function decodeValue(value: EncodedValue): KeyValue {
  if (value === null || typeof value !== 'object') return value;
  return 'd' in value ? new Date(value.d) : BigInt(value.n);
}

type Purpose = 'iv' | 'encryption' | 'mac';
let derived: { from: Buffer; keys: Map<Purpose, Buffer> } | undefined;

/** A separate key per purpose, derived from the cursor key (and derived again only when that key changes). */
function derivedKey(purpose: Purpose): Buffer {
  const key = cursorKey();
  if (!derived || !derived.from.equals(key)) derived = { from: key, keys: new Map() };
  let result = derived.keys.get(purpose);
  if (!result) {
    result = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `wrk cursor ${purpose}`, 32));
    derived.keys.set(purpose, result);
  }
  return result;
}

const mac = (iv: Buffer, ciphertext: Buffer) => createHmac('sha256', derivedKey('mac')).update(iv).update(ciphertext).digest();

/**
 * A cursor: the list binding and the sort key values of a row, encrypted (AES-256-CTR, with a synthetic IV so
 * the same row always has the same cursor) and signed (HMAC-SHA256, encrypt-then-MAC). Clients cannot read it
 * (no row id, no hidden sort value) nor make one up: a cursor names only a position the server handed out.
 */
export function encodeCursor(binding: string, values: readonly unknown[]): string {
  const plaintext = Buffer.from(JSON.stringify({ b: binding, v: values.map(encodeValue) }));
  const iv = createHmac('sha256', derivedKey('iv')).update(plaintext).digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-ctr', derivedKey('encryption'), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, ciphertext, mac(iv, ciphertext)]).toString('base64url');
}

function openCursor(cursor: string): unknown {
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length <= IV_BYTES + MAC_BYTES) return undefined;
  const iv = bytes.subarray(0, IV_BYTES);
  const ciphertext = bytes.subarray(IV_BYTES, bytes.length - MAC_BYTES);
  if (!timingSafeEqual(bytes.subarray(bytes.length - MAC_BYTES), mac(iv, ciphertext))) return undefined;
  const decipher = createDecipheriv('aes-256-ctr', derivedKey('encryption'), iv);
  try {
    return JSON.parse(Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString());
  } catch {
    return undefined;
  }
}

/** The sort key values a cursor carries (then the row's id); BAD_USER_INPUT on `after` for anything forged, tampered or foreign. */
export function decodeCursor(cursor: string, binding: string, keyCount: number): KeyValue[] {
  const payload = openCursor(cursor);
  if (
    !payload ||
    typeof payload !== 'object' ||
    !('b' in payload && 'v' in payload) ||
    payload.b !== binding ||
    !Array.isArray(payload.v) ||
    payload.v.length !== keyCount + 1
  ) {
    throw badUserInput('after', CURSOR_ERROR);
  }
  return (payload.v as EncodedValue[]).map(decodeValue);
}

export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badUserInput('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

const ID_KEY: SortKey = { field: 'id', direction: 'asc' };

/** Rows strictly after the given value of one key, in that key's order (nulls last). */
function beyond(key: SortKey, value: KeyValue): object | null {
  if (value === null) return null;
  const ascending = key.direction === 'asc';
  let comparison: object;
  if (key.enumValues) {
    const index = key.enumValues.indexOf(String(value));
    comparison = { in: ascending ? key.enumValues.slice(index + 1) : key.enumValues.slice(0, Math.max(index, 0)) };
  } else {
    comparison = { [ascending ? 'gt' : 'lt']: value };
  }
  return key.nullable ? { OR: [{ [key.field]: comparison }, { [key.field]: null }] } : { [key.field]: comparison };
}

/**
 * Keyset pagination as a Prisma `where`: rows after the cursor's values in the list's order,
 * `(k1, …, id) > (v1, …, id)` lexicographically. It names no row: the caller's own `where` still decides
 * which rows exist for them.
 */
export function keysetAfter(keys: readonly SortKey[], values: readonly KeyValue[]): object {
  const all = [...keys, ID_KEY];
  const branches: object[] = [];
  all.forEach((key, index) => {
    const past = beyond(key, values[index] ?? null);
    if (!past) return;
    const equal = all.slice(0, index).map((earlier, position) => ({ [earlier.field]: values[position] ?? null }));
    branches.push({ AND: [...equal, past] });
  });
  return { OR: branches };
}

/** Prisma's `orderBy` for the keys, then id. */
export function prismaOrderBy(keys: readonly SortKey[]): object[] {
  return [...keys.map((key) => ({ [key.field]: key.nullable ? { sort: key.direction, nulls: 'last' } : key.direction })), { id: 'asc' }];
}

/** An edge whose cursor is sealed when first read: most selections ask for nodes, or for the end cursor alone. */
function lazyEdge<Row>(node: Row, cursorOf: (row: Row) => string): Connection<Row>['edges'][number] {
  let cursor: string | undefined;
  return {
    node,
    get cursor() {
      return (cursor ??= cursorOf(node));
    },
  };
}

/** The page of the rows read (one more than the page size tells hasNextPage), each with its cursor. */
export function toConnection<Row>(
  rows: Row[],
  args: ConnectionArgs,
  totalCount: PromiseLike<number>,
  cursorOf: (row: Row) => string,
): Connection<Row> {
  const size = pageSize(args.first);
  const page = rows.slice(0, size);
  const edges = page.map((node) => lazyEdge(node, cursorOf));
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: Boolean(args.after),
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
    totalCount,
  };
}

/** The values of the keys (then id) of a row, as its cursor carries them. */
export const keyValues = (row: object, fields: readonly string[]): unknown[] =>
  [...fields, 'id'].map((field): unknown => Reflect.get(row, field));

/** The part of a Prisma model delegate a paginated list needs. */
export interface ListDelegate<Row> {
  findMany(args: { where: object; orderBy: object[]; take: number }): Promise<Row[]>;
  count(args: { where: object }): PromiseLike<number>;
}

export interface ListPage extends ListIdentity {
  /** The rows the caller may see and asked for: visibility and filters. */
  where: object;
  orderBy?: readonly SortKey[];
}

/** One page of a Prisma model as a Relay connection, ordered by the given keys then by id. */
export async function listPage<Row extends { id: number }>(delegate: ListDelegate<Row>, page: ListPage): Promise<Connection<Row>> {
  const keys = page.orderBy ?? [];
  const binding = listBinding(page, keys);
  const take = pageSize(page.args.first) + 1;
  const after = page.args.after ? keysetAfter(keys, decodeCursor(page.args.after, binding, keys.length)) : null;
  const rows = await delegate.findMany({ where: after ? { AND: [page.where, after] } : page.where, orderBy: prismaOrderBy(keys), take });
  const fields = keys.map((key) => key.field);
  return toConnection(rows, page.args, delegate.count({ where: page.where }), (row) => encodeCursor(binding, keyValues(row, fields)));
}
