import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { TokenAuthority, type AppConfig, type TokenGrant } from './auth.ts';
import type { CollaborationRole, Item, Json, JsonObject, StoredEvent } from './model.ts';
import {
  collaborationJson,
  groupFull,
  itemFull,
  itemMini,
  membershipJson,
  pickFields,
  STANDARD_ITEM_FIELDS,
  userFull,
  webhookJson,
} from './repr.ts';
import { BoxState, READ_ROLES } from './state.ts';
import { FILE_AND_FOLDER_TRIGGERS, FOLDER_ONLY_TRIGGERS, WebhookSender, type SenderOptions } from './webhooks.ts';

export interface FakeBoxOptions {
  /** 0 (any free port) unless given. */
  port?: number;
  state?: BoxState;
  /** Apps that may get tokens; one default CCG app (DEFAULT_APP, its secret random per process) unless given. */
  apps?: AppConfig[];
  /** Developer tokens accepted from the start. */
  developerTokens?: string[];
  tokenTtlSeconds?: number;
  /** Webhook signing keys and retry schedule (ms); random keys and Box's schedule unless given. */
  webhooks?: Partial<SenderOptions>;
}

export interface Fault {
  path?: RegExp;
  status: 429 | 500 | 502 | 503;
  /** retry-after header, in seconds. */
  retryAfter?: number;
  times?: number;
}

export interface Delay {
  path?: RegExp;
  ms: number;
  times?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  asUser: string | null;
}

export interface FakeBox {
  url: string;
  state: BoxState;
  auth: TokenAuthority;
  webhookSender: WebhookSender;
  /** The signing keys deliveries carry (configure the receiver with them). */
  webhookKeys: { primary: string; secondary: string };
  requests: LoggedRequest[];
  failNext(fault: Fault): void;
  delayNext(delay: Delay): void;
  stop(): Promise<void>;
}

/** The default CCG app: its secret is drawn per process, so no credential of any kind sits in the repository. */
export const DEFAULT_APP: AppConfig = { clientId: 'fake-client-id', clientSecret: randomBytes(24).toString('base64url') };

interface Ctx {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  grant: TokenGrant;
  body: Buffer;
}

interface Answer {
  status: number;
  json?: Json;
  bytes?: Buffer;
  headers?: Record<string, string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly contextInfo: JsonObject | null = null,
  ) {
    super(message);
  }
}

const FOLDER_ITEMS_MAX = 1000;
const OFFSET_MAX = 10_000;

/** Starts the fake Box API on loopback. */
export async function startFakeBox(options: FakeBoxOptions = {}): Promise<FakeBox> {
  const state = options.state ?? new BoxState();
  const auth = new TokenAuthority(
    options.apps ?? [DEFAULT_APP],
    state.enterpriseId,
    options.tokenTtlSeconds ?? 3600,
    () => Date.now(),
    (id) => state.users.has(id),
  );
  for (const token of options.developerTokens ?? []) auth.addDeveloperToken(token);
  const webhookKeys = {
    primary: options.webhooks?.keys?.primary ?? randomBytes(16).toString('hex'),
    secondary: options.webhooks?.keys?.secondary ?? randomBytes(16).toString('hex'),
  };
  const webhookSender = new WebhookSender(state, { ...options.webhooks, keys: webhookKeys });
  const requests: LoggedRequest[] = [];
  const faults: Fault[] = [];
  const delays: Delay[] = [];
  const downloads = new Map<string, string>();
  const sleeping = new Map<NodeJS.Timeout, () => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        sleeping.delete(timer);
        resolve();
      }, ms);
      sleeping.set(timer, resolve);
    });
  const api = new Api(state, downloads);

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const delay = take(delays, url.pathname);
    if (delay) await sleep(delay.ms);
    let answer: Answer;
    const fault = take(faults, url.pathname);
    if (fault) answer = faultAnswer(fault);
    else {
      try {
        answer = route(method, url, req, body);
      } catch (e) {
        answer = e instanceof HttpError ? errorAnswer(e) : errorAnswer(new HttpError(500, 'internal_server_error', String(e)));
      }
    }
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: answer.status,
      asUser: headerOf(req, 'as-user'),
    });
    if (res.destroyed) return;
    const payload = answer.bytes ?? (answer.json === undefined ? undefined : Buffer.from(JSON.stringify(answer.json)));
    res.writeHead(answer.status, {
      ...(answer.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(answer.bytes ? { 'content-type': 'application/octet-stream' } : {}),
      ...answer.headers,
    });
    res.end(payload);
  }

  function route(method: string, url: URL, req: IncomingMessage, body: Buffer): Answer {
    const path = url.pathname;
    if (method === 'POST' && path === '/oauth2/token') {
      return auth.grant(new URLSearchParams(body.toString('utf8')));
    }
    const download = /^\/dl\/([\w-]+)$/.exec(path);
    if (method === 'GET' && download?.[1]) return api.download(download[1]);
    if (!path.startsWith('/2.0/')) throw new HttpError(404, 'not_found', 'Not Found');
    const grant = auth.check(headerOf(req, 'authorization') ?? undefined);
    if (!grant) {
      throw new HttpError(401, 'unauthorized', 'Unauthorized');
    }
    return api.route({ req, method, path: path.slice(4), query: url.searchParams, grant, body });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the fake Box API has no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  api.baseUrl = url;

  return {
    url,
    state,
    auth,
    webhookSender,
    webhookKeys,
    requests,
    failNext: (fault) => faults.push({ ...fault, times: fault.times ?? 1 }),
    delayNext: (delay) => delays.push({ ...delay, times: delay.times ?? 1 }),
    stop: async () => {
      webhookSender.stop();
      for (const [timer, wake] of sleeping) {
        clearTimeout(timer);
        wake();
      }
      sleeping.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Takes one use of the first rule matching the path. */
function take<T extends { path?: RegExp; times?: number }>(rules: T[], path: string): T | undefined {
  const i = rules.findIndex((r) => !r.path || r.path.test(path));
  const rule = rules[i];
  if (!rule) return undefined;
  rule.times = (rule.times ?? 1) - 1;
  if (rule.times <= 0) rules.splice(i, 1);
  return rule;
}

function faultAnswer(fault: Fault): Answer {
  const code = fault.status === 429 ? 'rate_limit_exceeded' : fault.status === 503 ? 'unavailable' : 'internal_server_error';
  const message = fault.status === 429 ? 'Request rate limit exceeded, please try again later' : 'Internal Server Error';
  const answer = errorAnswer(new HttpError(fault.status, code, message));
  if (fault.retryAfter !== undefined) answer.headers = { ...answer.headers, 'retry-after': String(fault.retryAfter) };
  return answer;
}

function errorAnswer(e: HttpError): Answer {
  const json: JsonObject = {
    type: 'error',
    status: e.status,
    code: e.code,
    message: e.message,
    request_id: randomBytes(8).toString('hex'),
    help_url: 'http://developers.box.com/docs/#errors',
  };
  if (e.contextInfo) json.context_info = e.contextInfo;
  const headers: Record<string, string> = e.status === 401 ? { 'www-authenticate': 'Bearer realm="Service", error="invalid_token"' } : {};
  return { status: e.status, json, headers };
}

function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

function encodeMarker(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeMarker(marker: string | null): number {
  if (!marker) return 0;
  try {
    const value: unknown = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && 'o' in value && typeof value.o === 'number' && value.o >= 0) return value.o;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'invalid_parameter', 'Invalid value for marker');
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, 'bad_request', `Invalid value for ${name}`);
  return n;
}

function fieldsParam(query: URLSearchParams): string[] | null {
  const raw = query.get('fields');
  return raw ? raw.split(',').map((f) => f.trim()) : null;
}

/** A page by marker (when usemarker or marker is given) or by offset. */
function page<T>(
  all: T[],
  query: URLSearchParams,
  toJson: (t: T) => Json,
  defaults: { limit: number; max: number; marker: boolean },
): JsonObject {
  const limit = Math.min(Math.max(intParam(query, 'limit', defaults.limit), 1), defaults.max);
  const useMarker = defaults.marker && (query.get('usemarker') === 'true' || query.has('marker'));
  if (useMarker) {
    const from = decodeMarker(query.get('marker'));
    const slice = all.slice(from, from + limit);
    const next = from + limit < all.length ? encodeMarker(from + limit) : null;
    return { limit, next_marker: next, prev_marker: from > 0 ? encodeMarker(Math.max(0, from - limit)) : null, entries: slice.map(toJson) };
  }
  const offset = intParam(query, 'offset', 0);
  if (offset > OFFSET_MAX) throw new HttpError(400, 'bad_request', `Offset must be less than ${OFFSET_MAX}`);
  return { total_count: all.length, limit, offset, entries: all.slice(offset, offset + limit).map(toJson) };
}

class Api {
  baseUrl = '';

  constructor(
    private readonly state: BoxState,
    private readonly downloads: Map<string, string>,
  ) {}

  route(ctx: Ctx): Answer {
    const { method, path } = ctx;
    const m = (re: RegExp) => re.exec(path);
    let p: RegExpExecArray | null;
    if (method === 'GET' && (p = m(/^\/folders\/(\w+)$/))) return this.getItem('folder', p[1], ctx);
    if (method === 'GET' && (p = m(/^\/files\/(\w+)$/))) return this.getItem('file', p[1], ctx);
    if (method === 'GET' && (p = m(/^\/folders\/(\w+)\/items$/))) return this.folderItems(p[1], ctx);
    if (method === 'GET' && (p = m(/^\/files\/(\w+)\/content$/))) return this.content(p[1], ctx);
    if (method === 'GET' && (p = m(/^\/(folders|files)\/(\w+)\/collaborations$/)))
      return this.itemCollaborations(p[1] === 'files' ? 'file' : 'folder', p[2], ctx);
    if (method === 'GET' && (p = m(/^\/collaborations\/(\w+)$/))) return this.collaboration(p[1]);
    if (method === 'GET' && path === '/groups') return this.groups(ctx);
    if (method === 'GET' && (p = m(/^\/groups\/(\w+)$/))) return { status: 200, json: groupFull(this.group(p[1])) };
    if (method === 'GET' && (p = m(/^\/groups\/(\w+)\/memberships$/))) return this.groupMemberships(p[1], ctx);
    if (method === 'GET' && path === '/users') return this.users(ctx);
    if (method === 'GET' && (p = m(/^\/users\/(\w+)$/))) return this.userById(p[1], ctx);
    if (method === 'GET' && (p = m(/^\/users\/(\w+)\/memberships$/))) return this.userMemberships(p[1], ctx);
    if (method === 'GET' && path === '/events') return this.events(ctx);
    if (path === '/webhooks' && method === 'GET') return this.listWebhooks(ctx);
    if (path === '/webhooks' && method === 'POST') return this.createWebhook(ctx);
    if ((p = m(/^\/webhooks\/(\w+)$/))) {
      if (method === 'GET') return { status: 200, json: webhookJson(this.webhook(p[1]), this.state) };
      if (method === 'PUT') return this.updateWebhook(p[1] ?? '', ctx);
      if (method === 'DELETE') return this.deleteWebhook(p[1] ?? '');
    }
    throw new HttpError(404, 'not_found', 'Not Found');
  }

  // ---- items ----

  /** The user a call acts for (As-User, or a user-subject token); null for the service account, which sees everything. */
  private actingUser(ctx: Ctx): string | null {
    const asUser = headerOf(ctx.req, 'as-user');
    if (asUser !== null) {
      if (!this.state.users.has(asUser))
        throw new HttpError(403, 'access_denied_insufficient_permissions', 'Access denied - insufficient permission');
      return asUser;
    }
    return ctx.grant.subject.type === 'user' ? ctx.grant.subject.id : null;
  }

  /** The item if the caller may see it; what a user may not see is missing (404 not_found), as in Box. */
  private visibleItem(type: Item['type'], id: string | undefined, ctx: Ctx): Item {
    const item = this.state.items.get(id ?? '');
    if (!item || item.type !== type || item.status === 'deleted')
      throw new HttpError(404, 'not_found', `Could not find the specified resource`);
    if (item.status === 'trashed') throw new HttpError(404, 'trashed', `Item is trashed`);
    const user = this.actingUser(ctx);
    if (user !== null && item.id !== '0' && this.state.effectiveRole(user, item.id) === null)
      throw new HttpError(404, 'not_found', `Could not find the specified resource`);
    return item;
  }

  /** A folder's children the caller may see; a user's folder 0 holds the top of each tree shared with them. */
  private visibleChildren(folder: Item, ctx: Ctx): Item[] {
    const user = this.actingUser(ctx);
    if (user === null) return this.state.children(folder);
    const canSee = (i: Item) => this.state.effectiveRole(user, i.id) !== null;
    if (folder.id !== '0') return this.state.children(folder).filter(canSee);
    const tops = [...this.state.items.values()].filter((i) => i.id !== '0' && i.status === 'active' && canSee(i));
    const topSet = new Set(tops.map((i) => i.id));
    return tops.filter((i) => i.parentId === '0' || !topSet.has(i.parentId ?? '')).sort(byTypeThenName);
  }

  private render(item: Item, fields: string[] | null, ctx: Ctx): JsonObject {
    const wanted = new Set<string>(fields ?? STANDARD_ITEM_FIELDS);
    return this.asCaller(pickFields(itemFull(item, this.state, wanted), itemMini(item), fields, STANDARD_ITEM_FIELDS), item, ctx);
  }

  /** `permissions` describe the caller: a user's role decides them. */
  private asCaller(json: JsonObject, item: Item, ctx: Ctx): JsonObject {
    const user = this.actingUser(ctx);
    if (user === null || !('permissions' in json)) return json;
    return { ...json, permissions: permissionsFor(item, this.state.effectiveRole(user, item.id)) };
  }

  private getItem(type: Item['type'], id: string | undefined, ctx: Ctx): Answer {
    const item = this.visibleItem(type, id, ctx);
    const fields = fieldsParam(ctx.query);
    const json = fields ? this.render(item, fields, ctx) : this.asCaller(itemFull(item, this.state), item, ctx);
    if (type === 'folder' && !fields) json.item_collection = this.itemCollection(this.visibleChildren(item, ctx));
    return { status: 200, json };
  }

  private itemCollection(kids: Item[]): JsonObject {
    return {
      total_count: kids.length,
      entries: kids.slice(0, 100).map(itemMini),
      offset: 0,
      limit: 100,
      order: [
        { by: 'type', direction: 'ASC' },
        { by: 'name', direction: 'ASC' },
      ],
    };
  }

  private folderItems(id: string | undefined, ctx: Ctx): Answer {
    const folder = this.visibleItem('folder', id, ctx);
    const fields = fieldsParam(ctx.query);
    const json = page(this.visibleChildren(folder, ctx), ctx.query, (item) => this.render(item, fields, ctx), {
      limit: 100,
      max: FOLDER_ITEMS_MAX,
      marker: true,
    });
    if (!('next_marker' in json))
      json.order = [
        { by: 'type', direction: 'ASC' },
        { by: 'name', direction: 'ASC' },
      ];
    return { status: 200, json };
  }

  /** Box answers 302 to a short-lived download URL; the SDK follows it. */
  private content(id: string | undefined, ctx: Ctx): Answer {
    const item = this.visibleItem('file', id, ctx);
    const user = this.actingUser(ctx);
    const role = user === null ? 'owner' : this.state.effectiveRole(user, item.id);
    if (!role || !DOWNLOAD_ROLES.includes(role))
      throw new HttpError(403, 'access_denied_insufficient_permissions', 'Access denied - insufficient permission');
    const token = randomBytes(12).toString('base64url');
    this.downloads.set(token, item.id);
    return { status: 302, headers: { location: `${this.baseUrl}/dl/${token}` } };
  }

  download(token: string): Answer {
    const id = this.downloads.get(token);
    const item = id ? this.state.items.get(id) : undefined;
    if (!item || item.status !== 'active') return { status: 404, bytes: Buffer.alloc(0) };
    return { status: 200, bytes: item.content ?? Buffer.alloc(0) };
  }

  // ---- collaborations ----

  private itemCollaborations(type: Item['type'], id: string | undefined, ctx: Ctx): Answer {
    const item = this.visibleItem(type, id, ctx);
    const collabs = this.state.collaborationsOn(item.id);
    const json = page(collabs, new URLSearchParams({ ...Object.fromEntries(ctx.query), usemarker: 'true' }), (c) => this.collabJson(c.id), {
      limit: 100,
      max: 1000,
      marker: true,
    });
    return { status: 200, json };
  }

  private collabJson(id: string): JsonObject {
    const c = this.state.collaborations.get(id);
    if (!c) throw new HttpError(404, 'not_found', 'Not Found');
    const group = c.accessibleBy.type === 'group' ? this.state.groups.get(c.accessibleBy.id) : undefined;
    return collaborationJson(c, this.state.items.get(c.itemId), this.state, group);
  }

  private collaboration(id: string | undefined): Answer {
    return { status: 200, json: this.collabJson(id ?? '') };
  }

  // ---- users and groups ----

  private group(id = '') {
    const group = this.state.groups.get(id);
    if (!group) throw new HttpError(404, 'not_found', 'Not Found');
    return group;
  }

  private groups(ctx: Ctx): Answer {
    const all = [...this.state.groups.values()].sort((a, b) => a.name.localeCompare(b.name));
    return { status: 200, json: page(all, ctx.query, groupFull, { limit: 100, max: 1000, marker: false }) };
  }

  private groupMemberships(id: string | undefined, ctx: Ctx): Answer {
    const group = this.group(id);
    const all = [...this.state.memberships.values()].filter((m) => m.groupId === group.id);
    return {
      status: 200,
      json: page(all, ctx.query, (m) => membershipJson(m, this.state.users.get(m.userId), group), { limit: 100, max: 1000, marker: false }),
    };
  }

  private userMemberships(id: string | undefined, ctx: Ctx): Answer {
    const user = this.state.users.get(id ?? '');
    if (!user) throw new HttpError(404, 'not_found', 'Not Found');
    const all = [...this.state.memberships.values()].filter((m) => m.userId === user.id);
    return {
      status: 200,
      json: page(all, ctx.query, (m) => membershipJson(m, user, this.group(m.groupId)), { limit: 100, max: 1000, marker: false }),
    };
  }

  private users(ctx: Ctx): Answer {
    const term = ctx.query.get('filter_term')?.toLowerCase() ?? '';
    const all = [...this.state.users.values()].filter(
      (u) => !term || u.name.toLowerCase().startsWith(term) || u.login.toLowerCase().startsWith(term),
    );
    all.sort((a, b) => Number(a.id) - Number(b.id));
    return { status: 200, json: page(all, ctx.query, userFull, { limit: 100, max: 1000, marker: true }) };
  }

  private userById(id: string | undefined, ctx: Ctx): Answer {
    const userId = id === 'me' ? this.callerId(ctx) : (id ?? '');
    const user = this.state.users.get(userId);
    if (!user) throw new HttpError(404, 'not_found', 'Not Found');
    return { status: 200, json: userFull(user) };
  }

  private callerId(ctx: Ctx): string {
    return headerOf(ctx.req, 'as-user') ?? (ctx.grant.subject.type === 'user' ? ctx.grant.subject.id : this.state.serviceAccountId);
  }

  // ---- events ----

  private events(ctx: Ctx): Answer {
    const streamType = ctx.query.get('stream_type') ?? 'all';
    const admin = streamType === 'admin_logs_streaming' || streamType === 'admin_logs';
    if (!admin && !['all', 'changes', 'sync'].includes(streamType)) throw new HttpError(400, 'bad_request', 'Invalid stream_type');
    if (admin && !this.isAdmin(ctx))
      throw new HttpError(403, 'access_denied_insufficient_permissions', 'Access denied - insufficient permission');
    const limit = Math.min(Math.max(intParam(ctx.query, 'limit', 100), 1), 500);
    const raw = ctx.query.get('stream_position') ?? '0';
    const log = this.state.events;
    if (raw === 'now')
      return { status: 200, json: { chunk_size: 0, next_stream_position: admin ? String(log.length) : log.length, entries: [] } };
    const from = Number(raw);
    if (!Number.isInteger(from) || from < 0) throw new HttpError(400, 'bad_request', 'Invalid stream_position');
    const user = this.actingUser(ctx);
    const types = admin ? (ctx.query.get('event_type')?.split(',').filter(Boolean) ?? []) : [];
    const after = ctx.query.get('created_after');
    const before = ctx.query.get('created_before');
    const picked: StoredEvent[] = [];
    let position = Math.min(from, log.length);
    while (position < log.length && picked.length < limit) {
      const event = log[position];
      position += 1;
      if (!event) continue;
      if (!admin && !event.inUserStream) continue;
      if (!admin && user !== null && (event.itemId === null || this.state.effectiveRole(user, event.itemId) === null)) continue;
      if (types.length && !types.includes(event.eventType)) continue;
      if (streamType === 'admin_logs' && after && event.createdAt < new Date(after)) continue;
      if (streamType === 'admin_logs' && before && event.createdAt > new Date(before)) continue;
      picked.push(event);
    }
    const disorder = this.state.eventDisorder;
    let shown = picked.map((e) => this.eventJson(e, admin));
    if (disorder.duplicate) shown = shown.flatMap((e) => [e, e]);
    if (disorder.reverse) shown.reverse();
    const last = picked[picked.length - 1];
    const next = disorder.overlap && last && picked.length > 1 ? last.position - 1 : position;
    return { status: 200, json: { chunk_size: shown.length, next_stream_position: admin ? String(next) : next, entries: shown } };
  }

  private isAdmin(ctx: Ctx): boolean {
    if (ctx.grant.subject.type === 'enterprise') return true;
    const role = this.state.users.get(this.callerId(ctx))?.role;
    return role === 'admin' || role === 'coadmin';
  }

  private eventJson(e: StoredEvent, admin: boolean): JsonObject {
    const json: JsonObject = {
      type: 'event',
      event_id: e.eventId,
      event_type: e.eventType,
      created_at: boxTimeOf(e.createdAt),
      recorded_at: boxTimeOf(e.createdAt),
      created_by: e.createdBy,
      session_id: null,
      source: admin ? e.adminSource : e.userSource,
      additional_details: e.additionalDetails,
    };
    if (admin) {
      json.ip_address = '127.0.0.1';
      if (e.accessibleBy) json.accessible_by = e.accessibleBy;
    }
    return json;
  }

  // ---- webhooks ----

  private webhook(id = '') {
    const webhook = this.state.webhooks.get(id);
    if (!webhook) throw new HttpError(404, 'not_found', 'Not Found');
    return webhook;
  }

  private listWebhooks(ctx: Ctx): Answer {
    const all = [...this.state.webhooks.values()].sort((a, b) => Number(a.id) - Number(b.id));
    const q = new URLSearchParams({ ...Object.fromEntries(ctx.query), usemarker: 'true' });
    const json = page(all, q, (w) => ({ type: 'webhook', id: w.id, target: { id: w.target.id, type: w.target.type } }), {
      limit: 100,
      max: 200,
      marker: true,
    });
    return { status: 200, json };
  }

  private createWebhook(ctx: Ctx): Answer {
    const body = parseBody(ctx.body);
    const target = validTarget(body.target);
    const address = validAddress(body.address);
    const triggers = validTriggers(body.triggers, target.type);
    this.checkWebhookTarget(target, address, null, ctx);
    const webhook = {
      id: this.state.nextId('webhook'),
      target,
      address,
      triggers,
      createdBy: this.callerId(ctx),
      createdAt: this.state.now(),
    };
    this.state.webhooks.set(webhook.id, webhook);
    return { status: 201, json: webhookJson(webhook, this.state) };
  }

  private updateWebhook(id: string, ctx: Ctx): Answer {
    const webhook = this.webhook(id);
    const body = parseBody(ctx.body);
    const target = body.target === undefined ? webhook.target : validTarget(body.target);
    const address = body.address === undefined ? webhook.address : validAddress(body.address);
    const triggers = body.triggers === undefined ? webhook.triggers : validTriggers(body.triggers, target.type);
    if (body.target !== undefined || body.address !== undefined) this.checkWebhookTarget(target, address, webhook.id, ctx);
    Object.assign(webhook, { target, address, triggers });
    return { status: 200, json: webhookJson(webhook, this.state) };
  }

  private deleteWebhook(id: string): Answer {
    this.webhook(id);
    this.state.webhooks.delete(id);
    return { status: 204 };
  }

  private checkWebhookTarget(target: { id: string; type: Item['type'] }, address: string, selfId: string | null, ctx: Ctx): void {
    if (target.type === 'folder' && target.id === '0')
      throw new HttpError(400, 'bad_request', 'Webhooks are not supported on the root folder');
    this.visibleItem(target.type, target.id, ctx);
    const duplicate = [...this.state.webhooks.values()].find(
      (w) => w.id !== selfId && w.target.id === target.id && w.target.type === target.type && w.address === address,
    );
    if (duplicate)
      throw new HttpError(409, 'conflict', 'Webhook:' + duplicate.id + ' already exists on the specified target.', { errors: [] });
  }
}

const DOWNLOAD_ROLES: readonly CollaborationRole[] = ['owner', 'co-owner', 'editor', 'viewer uploader', 'viewer'];
const EDIT_ROLES: readonly CollaborationRole[] = ['owner', 'co-owner', 'editor'];
const UPLOAD_ROLES: readonly CollaborationRole[] = ['owner', 'co-owner', 'editor', 'viewer uploader', 'previewer uploader', 'uploader'];

function byTypeThenName(a: Item, b: Item): number {
  return a.type === b.type ? a.name.localeCompare(b.name) || a.id.localeCompare(b.id) : a.type === 'folder' ? -1 : 1;
}

/** A user's permissions on an item from their role (Box's role matrix, simplified to the flags the SDK reads). */
function permissionsFor(item: Item, role: CollaborationRole | null): JsonObject {
  const has = (roles: readonly CollaborationRole[]) => role !== null && roles.includes(role);
  const common: JsonObject = {
    can_delete: has(EDIT_ROLES),
    can_download: has(DOWNLOAD_ROLES),
    can_invite_collaborator: has(EDIT_ROLES),
    can_rename: has(EDIT_ROLES),
    can_set_share_access: has(EDIT_ROLES),
    can_share: has(EDIT_ROLES),
    can_upload: has(UPLOAD_ROLES),
  };
  if (item.type === 'folder') return common;
  const preview = has(READ_ROLES);
  return {
    ...common,
    can_annotate: has(EDIT_ROLES),
    can_comment: preview,
    can_preview: preview,
    can_view_annotations_all: preview,
    can_view_annotations_self: preview,
  };
}

function boxTimeOf(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

function parseBody(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return Object.fromEntries(Object.entries(value));
  } catch {
    // fall through
  }
  throw new HttpError(400, 'bad_request', 'Invalid JSON body');
}

function validTarget(value: unknown): { id: string; type: Item['type'] } {
  if (value && typeof value === 'object' && 'id' in value && 'type' in value && typeof value.id === 'string') {
    if (value.type === 'file' || value.type === 'folder') return { id: value.id, type: value.type };
  }
  throw new HttpError(400, 'bad_request', 'Bad request: target must be {id, type: file|folder}');
}

function validAddress(value: unknown): string {
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if (url.protocol === 'https:' || url.protocol === 'http:') return value;
    } catch {
      // fall through
    }
  }
  throw new HttpError(400, 'bad_request', 'Bad request: address must be a URL');
}

function validTriggers(value: unknown, type: Item['type']): string[] {
  const allowed: readonly string[] = type === 'folder' ? [...FILE_AND_FOLDER_TRIGGERS, ...FOLDER_ONLY_TRIGGERS] : FILE_AND_FOLDER_TRIGGERS;
  if (Array.isArray(value) && value.length > 0 && value.every((t): t is string => typeof t === 'string' && allowed.includes(t)))
    return [...new Set(value)];
  throw new HttpError(400, 'bad_request', `Bad request: unsupported triggers for a ${type}`);
}
