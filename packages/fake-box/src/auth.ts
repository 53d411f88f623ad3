import type { JsonObject } from './model.ts';
import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';

/** A Box app as the Developer Console would know it. */
export interface AppConfig {
  clientId: string;
  clientSecret: string;
  /** PEM public keys a JWT assertion may be signed with (Box checks the one of its `kid`; none is sent by the SDK). */
  jwtPublicKeys?: string[];
}

export interface Subject {
  type: 'enterprise' | 'user';
  id: string;
}

export interface TokenGrant {
  token: string;
  subject: Subject;
  expiresAt: number;
}

export const JWT_AUDIENCE = 'https://api.box.com/oauth2/token';

/** The OAuth side of the fake: apps, issued bearer tokens and developer tokens. */
export class TokenAuthority {
  readonly apps = new Map<string, AppConfig>();
  private readonly tokens = new Map<string, TokenGrant>();
  private readonly seenJti = new Set<string>();

  constructor(
    apps: AppConfig[],
    readonly enterpriseId: string,
    private readonly tokenTtlSeconds: number,
    private readonly now: () => number,
    /** Whether a user subject (CCG or JWT `box_sub_type=user`) exists in the enterprise. */
    private readonly userExists: (id: string) => boolean = () => true,
  ) {
    for (const app of apps) this.apps.set(app.clientId, app);
  }

  /** A developer token as the console issues it (60 minutes unless told). */
  addDeveloperToken(token: string, ttlSeconds = 3600): void {
    this.tokens.set(token, { token, subject: { type: 'enterprise', id: this.enterpriseId }, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  /** Makes every token issued so far invalid (the next call gets 401, and the SDK refreshes). */
  expireAll(): void {
    for (const grant of this.tokens.values()) grant.expiresAt = 0;
  }

  check(header: string | undefined): TokenGrant | null {
    const match = /^Bearer (\S+)$/i.exec(header ?? '');
    const grant = match?.[1] ? this.tokens.get(match[1]) : undefined;
    return grant && grant.expiresAt > this.now() ? grant : null;
  }

  /** POST /oauth2/token: an access token, or Box's OAuth error ({error, error_description}). */
  grant(form: URLSearchParams): { status: number; json: JsonObject } {
    const grantType = form.get('grant_type');
    const app = this.apps.get(form.get('client_id') ?? '');
    if (!app || app.clientSecret !== form.get('client_secret')) return oauthError('invalid_client', 'The client credentials are invalid');
    let subject: Subject | string;
    if (grantType === 'client_credentials') subject = this.ccgSubject(form);
    else if (grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer') subject = this.jwtSubject(app, form.get('assertion') ?? '');
    else return oauthError('unsupported_grant_type', 'Grant type is not supported');
    if (typeof subject === 'string') return oauthError('invalid_grant', subject);
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { token, subject, expiresAt: this.now() + this.tokenTtlSeconds * 1000 });
    return { status: 200, json: { access_token: token, expires_in: this.tokenTtlSeconds, restricted_to: [], token_type: 'bearer' } };
  }

  private ccgSubject(form: URLSearchParams): Subject | string {
    const type = form.get('box_subject_type');
    const id = form.get('box_subject_id') ?? '';
    if (type === 'enterprise') return id === this.enterpriseId ? { type, id } : 'Please check the box_subject_id';
    if (type === 'user') return this.userExists(id) ? { type, id } : 'Please check the box_subject_id';
    return 'Please check the box_subject_type';
  }

  private jwtSubject(app: AppConfig, assertion: string): Subject | string {
    const parts = assertion.split('.');
    const [headerPart, payloadPart, signaturePart] = parts;
    if (parts.length !== 3 || !headerPart || !payloadPart || !signaturePart) return 'Invalid JWT assertion';
    const header = parseJsonObject(Buffer.from(headerPart, 'base64url').toString('utf8'));
    const claims = parseJsonObject(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    if (!header || !claims || header.alg !== 'RS256') return 'Invalid JWT assertion: RS256 expected';
    const signed = Buffer.from(`${headerPart}.${payloadPart}`);
    const signature = Buffer.from(signaturePart, 'base64url');
    const keys: KeyObject[] = (app.jwtPublicKeys ?? []).map((pem) => createPublicKey(pem));
    if (!keys.some((key) => verify('RSA-SHA256', signed, key, signature))) return 'Signature verification error';
    if (claims.iss !== app.clientId) return 'Please check the iss claim';
    if (claims.aud !== JWT_AUDIENCE) return "Please check the 'aud' claim";
    const exp = typeof claims.exp === 'number' ? claims.exp : 0;
    const nowSeconds = this.now() / 1000;
    if (exp <= nowSeconds) return 'Current date/time MUST be before the expiration date/time listed in the exp claim';
    if (exp > nowSeconds + 60) return 'Please check the exp claim: at most 60 seconds in the future';
    const jti = typeof claims.jti === 'string' ? claims.jti : '';
    if (!jti || this.seenJti.has(jti)) return 'A unique jti claim is required';
    this.seenJti.add(jti);
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    if (claims.box_sub_type === 'enterprise')
      return sub === this.enterpriseId ? { type: 'enterprise', id: sub } : 'Please check the sub claim';
    if (claims.box_sub_type === 'user' && this.userExists(sub)) return { type: 'user', id: sub };
    return 'Please check the box_sub_type claim';
  }
}

function oauthError(error: string, description: string): { status: number; json: JsonObject } {
  return { status: 400, json: { error, error_description: description } };
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : null;
  } catch {
    return null;
  }
}

/**
 * A JWT app as the Developer Console's "Generate a Public/Private Keypair" gives it: the config JSON (with an
 * encrypted PKCS#8 private key, as the SDK requires) and the public key to configure the fake with.
 */
export function makeJwtApp(input: { clientId: string; clientSecret: string; enterpriseId: string; publicKeyId?: string }): {
  configJson: string;
  publicKeyPem: string;
} {
  const passphrase = randomBytes(12).toString('hex');
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
  });
  const configJson = JSON.stringify({
    boxAppSettings: {
      clientID: input.clientId,
      clientSecret: input.clientSecret,
      appAuth: { publicKeyID: input.publicKeyId ?? 'fakekey1', privateKey, passphrase },
    },
    enterpriseID: input.enterpriseId,
  });
  return { configJson, publicKeyPem: publicKey };
}
