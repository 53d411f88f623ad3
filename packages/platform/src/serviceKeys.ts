import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';

/**
 * The keys that sign requests between WRK's processes (Ed25519, node:crypto). Each service holds its own private
 * key and every service's public keys: the gateway signs the caller's claims for one subgraph, a subgraph signs
 * its own calls to another owner, and nobody can sign as someone else. A keys directory holds
 * `<service>.key.pem` (the private key; only the service's own is needed, mode 0600) and `<service>.pub.pem`
 * (one or more public keys: during a rotation the old and the new one both verify).
 */
export interface ServiceKeyring {
  /** The service these keys belong to: `gateway`, `identity`, `core`, … */
  service: string;
  privateKey?: KeyObject;
  /** The key id of privateKey: a hash of its public key. */
  kid?: string;
  /** Public keys by service, then by key id. */
  trusted: Map<string, Map<string, KeyObject>>;
}

const PRIVATE_SUFFIX = '.key.pem';
const PUBLIC_SUFFIX = '.pub.pem';
const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

export const keyIdOf = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url')
    .slice(0, 16);

/** The directory of keys a process uses: WRK_KEYS_DIR, else (outside production) the given dev directory. */
export function keysDirFromEnv(devDir: string): string {
  const dir = process.env.WRK_KEYS_DIR;
  if (dir) return resolve(dir);
  if (process.env.NODE_ENV === 'production') {
    throw new Error(
      'WRK_KEYS_DIR is required in production: a directory holding <service>.key.pem (this service) and every ' +
        "service's <service>.pub.pem; create one with `pnpm keys generate <dir>` (see README).",
    );
  }
  return resolve(devDir);
}

/** Reads a service's keyring from a keys directory; throws, saying what to do, when its private key is missing or exposed. */
export function loadKeyring(dir: string, service: string, { requirePrivateKey = true } = {}): ServiceKeyring {
  if (!existsSync(dir)) throw new Error(`keys directory ${dir} does not exist (create it with \`pnpm keys generate ${dir}\`)`);
  const trusted = new Map<string, Map<string, KeyObject>>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith(PUBLIC_SUFFIX))) {
    const keys = new Map<string, KeyObject>();
    for (const pem of readFileSync(join(dir, file), 'utf8').match(PEM_BLOCK) ?? []) {
      const key = createPublicKey(pem);
      if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file}: only Ed25519 keys are accepted`);
      keys.set(keyIdOf(key), key);
    }
    trusted.set(file.slice(0, -PUBLIC_SUFFIX.length), keys);
  }
  const privateFile = join(dir, `${service}${PRIVATE_SUFFIX}`);
  if (!existsSync(privateFile)) {
    if (requirePrivateKey) throw new Error(`${privateFile} is missing: the ${service} service needs its own private key`);
    return { service, trusted };
  }
  if ((statSync(privateFile).mode & 0o077) !== 0) {
    throw new Error(`${privateFile} is readable by other users: chmod 600 it`);
  }
  const privateKey = createPrivateKey(readFileSync(privateFile));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${privateFile}: only Ed25519 keys are accepted`);
  const kid = keyIdOf(createPublicKey(privateKey));
  if (!trusted.get(service)?.has(kid)) throw new Error(`${service}${PUBLIC_SUFFIX} does not hold the public key of ${privateFile}`);
  return { service, privateKey, kid, trusted };
}

/** The keys directory is private (0700); its parent is left as it is (`.data` also holds the database, which Postgres must reach). */
export function makeKeysDir(dir: string): void {
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** A file only its owner may read (0600, also when it existed with wider rights). */
export function writePrivate(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * A new key pair for a service: the private key replaces `<service>.key.pem`; the public key is added to
 * `<service>.pub.pem`, next to the previous ones (which keep verifying until retired with `retireOldKeys`).
 */
export function rotateServiceKey(dir: string, service: string): string {
  makeKeysDir(dir);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicFile = join(dir, `${service}${PUBLIC_SUFFIX}`);
  const previous = existsSync(publicFile) ? readFileSync(publicFile, 'utf8') : '';
  writeFileSync(publicFile, previous + publicKey.export({ type: 'spki', format: 'pem' }).toString());
  writePrivate(join(dir, `${service}${PRIVATE_SUFFIX}`), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  return keyIdOf(publicKey);
}

/** Keeps only the public key of the service's current private key. */
export function retireOldKeys(dir: string, service: string): void {
  const current = createPublicKey(createPrivateKey(readFileSync(join(dir, `${service}${PRIVATE_SUFFIX}`))));
  writeFileSync(join(dir, `${service}${PUBLIC_SUFFIX}`), current.export({ type: 'spki', format: 'pem' }).toString());
}

/** Creates the key pairs of the services that have none yet (the dev stack's first start, `pnpm keys generate`). */
export function ensureServiceKeys(dir: string, services: readonly string[]): void {
  makeKeysDir(dir);
  for (const service of services) {
    if (!existsSync(join(dir, `${service}${PRIVATE_SUFFIX}`))) rotateServiceKey(dir, service);
  }
}

/**
 * A secret for one purpose (e.g. signing cursors), derived from the service's private key with HKDF: replicas of
 * a service share it, other services cannot compute it, and rotating the key rotates it.
 */
export function derivedSecret(keyring: ServiceKeyring, purpose: string): Buffer {
  if (!keyring.privateKey) throw new Error(`the ${keyring.service} keyring has no private key`);
  const material = keyring.privateKey.export({ type: 'pkcs8', format: 'der' });
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), `wrk:${purpose}`, 32));
}
