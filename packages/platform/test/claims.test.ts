import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { signClaims, signDelegated, verifySignedRequest, type Claims } from '../src/claims.ts';
import { ensureServiceKeys, loadKeyring, retireOldKeys, rotateServiceKey } from '../src/serviceKeys.ts';

const claims: Claims = { kind: 'staff', sub: 'usr_abcdef123', scopes: ['core:read'], teams: [], allow: ['prj_x'], requestId: 'r1' };
const body = { query: '{ contracts { totalCount } }', variables: { first: 1 } };

function keysDir() {
  const dir = mkdtempSync(join(tmpdir(), 'wrk-keys-test-'));
  ensureServiceKeys(dir, ['gateway', 'core', 'files']);
  return dir;
}

describe('request-bound claims headers', () => {
  const dir = keysDir();
  const gateway = loadKeyring(dir, 'gateway');
  const core = loadKeyring(dir, 'core');
  const files = loadKeyring(dir, 'files');

  it('verifies what the gateway signed for this service and this operation', () => {
    const verified = verifySignedRequest(signClaims(gateway, 'core', body, claims), core, body);
    expect(verified).toMatchObject({ claims, delegated: false, issuer: 'gateway' });
  });

  it('refuses a header for another service, another operation, other variables or another operation name', () => {
    const header = signClaims(gateway, 'core', body, claims);
    expect(() => verifySignedRequest(header, files, body)).toThrow('another service');
    expect(() => verifySignedRequest(header, core, { ...body, query: '{ grants { totalCount } }' })).toThrow('another operation');
    expect(() => verifySignedRequest(header, core, { ...body, variables: { first: 2 } })).toThrow('another operation');
    expect(() => verifySignedRequest(header, core, { ...body, operationName: 'Other' })).toThrow('another operation');
  });

  it('refuses claims signed by a subgraph as if it were the gateway, a foreign key, a tampered payload', () => {
    const asCore = { ...core, service: 'gateway' };
    expect(() => verifySignedRequest(signClaims(asCore, 'files', body, claims), files, body)).toThrow();
    const stranger = loadKeyring(keysDir(), 'gateway');
    expect(() => verifySignedRequest(signClaims(stranger, 'core', body, claims), core, body)).toThrow('unknown signer');
    const [head, payload, signature] = signClaims(gateway, 'core', body, claims).split('.');
    const widened = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), claims: { ...claims, role: 'admin' } }),
    ).toString('base64url');
    expect(() => verifySignedRequest(`${head}.${widened}.${signature}`, core, body)).toThrow('bad signature');
  });

  it('refuses the HS256 JWTs of the old shared-secret scheme', () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 60;
    const input = `${encode({ alg: 'HS256' })}.${encode({ ...claims, iss: 'wrk-gateway', aud: 'wrk-subgraphs', exp })}`;
    const mac = createHmac('sha256', 'wrk-dev-gateway-secret-change-me-in-production').update(input).digest('base64url');
    expect(() => verifySignedRequest(`${input}.${mac}`, core, body)).toThrow();
  });

  it('refuses an expired header', () => {
    const realNow = Date.now;
    const header = signClaims(gateway, 'core', body, claims);
    Date.now = () => realNow() + 20_000;
    try {
      expect(() => verifySignedRequest(header, core, body)).toThrow('expired');
    } finally {
      Date.now = realNow;
    }
  });

  it('delegation: a subgraph passes on the gateway header it received, and the owner applies exactly those claims', () => {
    const evidence = signClaims(gateway, 'core', body, claims);
    const ask = { query: 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', variables: { r: [] } };
    const delegated = signDelegated(core, 'files', ask, evidence);
    const verified = verifySignedRequest(delegated, files, ask);
    expect(verified).toMatchObject({ claims, delegated: true, issuer: 'core', evidence: delegated });
    const withoutAllowlist = verifySignedRequest(signDelegated(core, 'files', ask, evidence, { withoutAllowlist: true }), files, ask);
    expect(withoutAllowlist.claims.allow).toBeUndefined();
    expect(withoutAllowlist.claims.scopes).toEqual(claims.scopes);
  });

  it('delegation chains: files asked by core may ask core in turn; a dropped allowlist stays dropped; at most three hops', () => {
    const ask = { query: '{ __typename }' };
    const fromGateway = signClaims(gateway, 'core', body, claims);
    const coreToFiles = signDelegated(core, 'files', ask, fromGateway, { withoutAllowlist: true });
    const filesToCore = signDelegated(files, 'core', ask, verifySignedRequest(coreToFiles, files, ask).evidence);
    const atCore = verifySignedRequest(filesToCore, core, ask);
    expect(atCore.claims.sub).toEqual(claims.sub);
    expect(atCore.claims.allow).toBeUndefined();
    const hop3 = signDelegated(core, 'files', ask, atCore.evidence);
    expect(verifySignedRequest(hop3, files, ask).claims.sub).toEqual(claims.sub);
    const hop4 = signDelegated(files, 'core', ask, hop3);
    expect(() => verifySignedRequest(hop4, core, ask)).toThrow('too long');
  });

  it('delegation: refused without gateway evidence made out to the delegating subgraph', () => {
    const ask = { query: '{ __typename }' };
    // Evidence the gateway made for files cannot be used by core.
    const forFiles = signClaims(gateway, 'files', body, claims);
    expect(() => verifySignedRequest(signDelegated(core, 'files', ask, forFiles), files, ask)).toThrow('evidence');
    // Evidence signed by core itself is no evidence.
    const selfMade = signClaims({ ...core, service: 'gateway' }, 'core', body, claims);
    expect(() => verifySignedRequest(signDelegated(core, 'files', ask, selfMade), files, ask)).toThrow();
  });
});

describe('service keys', () => {
  it('rotation: both keys verify until the old one is retired', () => {
    const dir = keysDir();
    const before = loadKeyring(dir, 'gateway');
    rotateServiceKey(dir, 'gateway');
    const after = loadKeyring(dir, 'gateway');
    expect(after.kid).not.toEqual(before.kid);
    const core = loadKeyring(dir, 'core');
    expect(() => verifySignedRequest(signClaims(before, 'core', body, claims), core, body)).not.toThrow();
    expect(() => verifySignedRequest(signClaims(after, 'core', body, claims), core, body)).not.toThrow();
    retireOldKeys(dir, 'gateway');
    const coreAfterRetirement = loadKeyring(dir, 'core');
    expect(() => verifySignedRequest(signClaims(before, 'core', body, claims), coreAfterRetirement, body)).toThrow('unknown signer');
    expect(() => verifySignedRequest(signClaims(after, 'core', body, claims), coreAfterRetirement, body)).not.toThrow();
  });

  it('keeps the keys directory private without closing its parent (which also holds the database Postgres must reach)', () => {
    const parent = join(mkdtempSync(join(tmpdir(), 'wrk-keys-parent-')), 'data');
    ensureServiceKeys(join(parent, 'keys'), ['gateway']);
    expect(statSync(join(parent, 'keys')).mode & 0o077).toBe(0);
    expect(statSync(parent).mode & 0o005).toBe(0o005);
  });

  it('refuses a private key others can read, a missing one, and keys that are not Ed25519', () => {
    const dir = keysDir();
    chmodSync(join(dir, 'core.key.pem'), 0o644);
    expect(() => loadKeyring(dir, 'core')).toThrow('chmod 600');
    expect(() => loadKeyring(dir, 'agents')).toThrow('missing');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(join(dir, 'other.pub.pem'), rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(() => loadKeyring(dir, 'files')).toThrow('Ed25519');
  });
});
