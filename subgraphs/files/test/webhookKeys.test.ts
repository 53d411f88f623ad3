import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boxWebhookKeys } from '../src/box/webhookKeys.ts';

describe('Box webhook keys generated outside production', () => {
  const root = mkdtempSync(join(tmpdir(), 'wrk-webhook-keys-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('are private files in a private keys directory, and leave its parent (which Postgres must traverse) as it was', () => {
    const keysDir = join(root, '.data', 'keys');
    const keys = boxWebhookKeys(keysDir, {});
    expect(keys?.primary).toMatch(/^[\w-]{32}$/);
    expect(keys?.secondary).toMatch(/^[\w-]{32}$/);
    expect(statSync(keysDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(keysDir, 'box-webhook-primary.secret')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, '.data')).mode & 0o077).not.toBe(0);
    expect(boxWebhookKeys(keysDir, {})).toEqual(keys);
  });
});
