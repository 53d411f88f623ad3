import { createHmac, randomBytes } from 'node:crypto';

/**
 * The headers of a Box webhook delivery of `body`, signed with `primaryKey` as Box signs (HMAC-SHA256 over the body
 * then the timestamp), with a new delivery ID as each of Box's retries has.
 */
export function signedBoxDeliveryHeaders(primaryKey: string, body: string, timestamp = new Date().toISOString()) {
  return {
    'content-type': 'application/json',
    'box-delivery-id': randomBytes(8).toString('hex'),
    'box-delivery-timestamp': timestamp,
    'box-signature-version': '1',
    'box-signature-algorithm': 'HmacSHA256',
    'box-signature-primary': createHmac('sha256', primaryKey).update(body).update(timestamp).digest('base64'),
  };
}
