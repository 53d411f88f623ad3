import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Change, JsonObject, Webhook } from './model.ts';
import { boxTime } from './repr.ts';
import type { BoxState } from './state.ts';

/** Every V2 trigger Box accepts; COLLABORATION.* only on folders. */
export const FILE_AND_FOLDER_TRIGGERS = [
  'FILE.UPLOADED',
  'FILE.PREVIEWED',
  'FILE.DOWNLOADED',
  'FILE.TRASHED',
  'FILE.DELETED',
  'FILE.RESTORED',
  'FILE.COPIED',
  'FILE.MOVED',
  'FILE.LOCKED',
  'FILE.UNLOCKED',
  'FILE.RENAMED',
  'FOLDER.CREATED',
  'FOLDER.RENAMED',
  'FOLDER.DOWNLOADED',
  'FOLDER.RESTORED',
  'FOLDER.DELETED',
  'FOLDER.COPIED',
  'FOLDER.MOVED',
  'FOLDER.TRASHED',
  'SHARED_LINK.CREATED',
  'SHARED_LINK.UPDATED',
  'SHARED_LINK.DELETED',
  'WEBHOOK.DELETED',
  'COMMENT.CREATED',
  'COMMENT.UPDATED',
  'COMMENT.DELETED',
  'TASK_ASSIGNMENT.CREATED',
  'TASK_ASSIGNMENT.UPDATED',
  'METADATA_INSTANCE.CREATED',
  'METADATA_INSTANCE.UPDATED',
  'METADATA_INSTANCE.DELETED',
  'SIGN_REQUEST.COMPLETED',
  'SIGN_REQUEST.DECLINED',
  'SIGN_REQUEST.EXPIRED',
] as const;
export const FOLDER_ONLY_TRIGGERS = [
  'COLLABORATION.CREATED',
  'COLLABORATION.ACCEPTED',
  'COLLABORATION.REJECTED',
  'COLLABORATION.REMOVED',
  'COLLABORATION.UPDATED',
] as const;

export interface SigningKeys {
  primary: string;
  secondary?: string;
}

export interface DeliverOptions {
  url: string;
  keys: SigningKeys;
  /** box-delivery-timestamp; now unless given (stale or future deliveries in tests). */
  timestamp?: Date | string;
  /** box-delivery-id; a new UUID unless given (replays in tests). */
  deliveryId?: string;
  /** Sign this instead of the body that is sent (tampered deliveries). */
  signedBody?: string;
  /** Request timeout in ms (Box gives 30 s). */
  timeoutMs?: number;
  /** Serialise the payload as Box's PHP side may: `/` as `\/`, non-ASCII as `\uXXXX` (verify the raw bytes). */
  escaped?: boolean;
}

export interface DeliveryResult {
  status: number;
  deliveryId: string;
  /** The receiver's answer, as text. */
  body?: string;
  /** Set when no HTTP answer came (refused connection, timeout). */
  error?: string;
}

/** base64(HMAC-SHA256(key, raw body bytes ‖ timestamp bytes)), as Box signs a delivery. */
export function signDelivery(body: string | Buffer, timestamp: string, key: string): string {
  return createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(body), Buffer.from(timestamp)]))
    .digest('base64');
}

/** The headers of one delivery of `body`, exactly as Box sends them. */
export function deliveryHeaders(body: string, options: Omit<DeliverOptions, 'url' | 'timeoutMs'>): Record<string, string> {
  const timestamp = typeof options.timestamp === 'string' ? options.timestamp : boxTime(options.timestamp ?? new Date());
  const signed = options.signedBody ?? body;
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=UTF-8',
    'user-agent': 'Box-WH-Client/0.1',
    'box-delivery-id': options.deliveryId ?? randomUUID(),
    'box-delivery-timestamp': timestamp,
    'box-signature-version': '1',
    'box-signature-algorithm': 'HmacSHA256',
    'box-signature-primary': signDelivery(signed, timestamp, options.keys.primary),
  };
  if (options.keys.secondary) headers['box-signature-secondary'] = signDelivery(signed, timestamp, options.keys.secondary);
  return headers;
}

/** POSTs one signed delivery; never throws (a refused connection or timeout is a result with status 0). */
/** A payload's JSON text, plain or escaped as PHP's json_encode escapes it. */
export function serializePayload(payload: JsonObject, escaped = false): string {
  const json = JSON.stringify(payload);
  if (!escaped) return json;
  return json.replace(/\//g, '\\/').replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export async function deliver(payload: JsonObject | string, options: DeliverOptions): Promise<DeliveryResult> {
  const body = typeof payload === 'string' ? payload : serializePayload(payload, options.escaped);
  const headers = deliveryHeaders(body, options);
  const deliveryId = headers['box-delivery-id'] ?? '';
  const url = new URL(options.url);
  const send = url.protocol === 'https:' ? httpsRequest : request;
  return new Promise((resolve) => {
    const req = send(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: options.timeoutMs ?? 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, deliveryId, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => resolve({ status: 0, deliveryId, error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('delivery timed out')));
    req.on('error', (e) => resolve({ status: 0, deliveryId, error: e.message }));
    req.end(body);
  });
}

export interface SenderOptions {
  keys: SigningKeys;
  /** Delays before each retry, in ms; Box retries up to 10 times from 5 minutes with backoff. */
  retryDelaysMs?: number[];
  timeoutMs?: number;
  /** Deliveries of each event, sent at once (1 unless told): Box promises neither order nor exactly-once. */
  copies?: number;
  /** Bodies escaped as PHP's json_encode does (see serializePayload). */
  escaped?: boolean;
}

export interface SentDelivery {
  webhookId: string;
  payloadId: string;
  trigger: string;
  attempt: number;
  deliveryId: string;
  status: number;
  error?: string;
}

/** Box's documented schedule: 10 retries, first after 5 minutes, then doubling. */
export const BOX_RETRY_DELAYS_MS = Array.from({ length: 10 }, (_, i) => 5 * 60_000 * 2 ** i);

/**
 * Watches the state and POSTs a signed V2 delivery for each change that matches a webhook's triggers under its
 * target (a folder webhook fires for its whole subtree), retrying non-2xx answers and timeouts with a new
 * delivery id and the same payload id.
 */
export class WebhookSender {
  readonly sent: SentDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly state: BoxState,
    private options: SenderOptions,
  ) {
    this.unsubscribe = state.onChange((change) => this.onChange(change));
  }

  configure(options: Partial<SenderOptions>): void {
    this.options = { ...this.options, ...options };
  }

  /** Resolves when every delivery started so far, retries included, has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake();
    }
    this.timers.clear();
  }

  /** The payload Box would send for this change to this webhook. */
  static payload(webhook: Webhook, change: Change): JsonObject {
    return {
      type: 'webhook_event',
      id: randomUUID(),
      created_at: boxTime(change.createdAt),
      trigger: change.trigger,
      webhook: { id: webhook.id, type: 'webhook' },
      created_by: change.createdBy,
      source: change.source,
      additional_info: change.additionalInfo,
    };
  }

  private onChange(change: Change): void {
    if (this.stopped) return;
    const targets = new Set([change.itemId, ...change.ancestorIds]);
    for (const webhook of this.state.webhooks.values()) {
      if (!webhook.triggers.includes(change.trigger) || !targets.has(webhook.target.id)) continue;
      // A folder webhook covers the subtree; a file webhook only its file.
      if (webhook.target.type === 'file' && webhook.target.id !== change.itemId) continue;
      const payload = WebhookSender.payload(webhook, change);
      for (let copy = 0; copy < Math.max(1, this.options.copies ?? 1); copy++) this.track(this.attempt(webhook, payload, 0));
    }
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async attempt(webhook: Webhook, payload: JsonObject, attempt: number): Promise<void> {
    if (this.stopped) return;
    const { keys, timeoutMs, escaped } = this.options;
    const { body: _answer, ...result } = await deliver(payload, { url: webhook.address, keys, timeoutMs, escaped });
    const payloadId = typeof payload.id === 'string' ? payload.id : '';
    this.sent.push({
      webhookId: webhook.id,
      payloadId,
      trigger: typeof payload.trigger === 'string' ? payload.trigger : '',
      attempt,
      ...result,
    });
    if (result.status >= 200 && result.status < 300) return;
    const delays = this.options.retryDelaysMs ?? BOX_RETRY_DELAYS_MS;
    const delay = delays[attempt];
    if (delay === undefined || this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, delay);
      this.timers.set(timer, resolve);
    });
    await this.attempt(webhook, payload, attempt + 1);
  }
}
