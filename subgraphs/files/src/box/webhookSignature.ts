import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Box webhook V2 signatures: base64(HMAC-SHA256(key, raw body bytes ‖ box-delivery-timestamp)), sent as
 * `box-signature-primary` (primary key) and `box-signature-secondary` (secondary key), so that either key may be
 * rotated while the other still verifies. Our own verifier rather than the SDK's `WebhooksManager.validateMessage`,
 * which allows no clock skew at all (a delivery stamped 1 s ahead of our clock fails).
 */
export interface BoxWebhookKeys {
  primary: string;
  secondary?: string;
}

/** Oldest delivery accepted (Box's own advice) and the clock skew allowed into the future. */
export const MAX_AGE_MS = 10 * 60_000;
export const MAX_SKEW_MS = 60_000;

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

export function boxSignature(key: string, body: Buffer, timestamp: string): Buffer {
  return createHmac('sha256', key).update(body).update(timestamp).digest();
}

function matches(key: string | undefined, signature: string | undefined, body: Buffer, timestamp: string): boolean {
  if (!key || !signature) return false;
  const expected = boxSignature(key, body, timestamp);
  const received = Buffer.from(signature, 'base64');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** Why a delivery is refused, or null when it is authentic and fresh. `headers` are Node's (lower-case names). */
export function verifyBoxDelivery(keys: BoxWebhookKeys, headers: Headers, body: Buffer, now = Date.now()): string | null {
  if (header(headers, 'box-signature-version') !== '1') return 'unsupported signature version';
  if (header(headers, 'box-signature-algorithm') !== 'HmacSHA256') return 'unsupported signature algorithm';
  const timestamp = header(headers, 'box-delivery-timestamp');
  const sentAt = timestamp === undefined ? NaN : Date.parse(timestamp);
  if (timestamp === undefined || Number.isNaN(sentAt)) return 'missing or malformed delivery timestamp';
  if (sentAt < now - MAX_AGE_MS) return 'stale delivery';
  if (sentAt > now + MAX_SKEW_MS) return 'delivery from the future';
  const authentic =
    matches(keys.primary, header(headers, 'box-signature-primary'), body, timestamp) ||
    matches(keys.secondary, header(headers, 'box-signature-secondary'), body, timestamp);
  return authentic ? null : 'bad signature';
}
