import { readFileSync } from 'node:fs';
import { BoxCcgAuth, BoxClient, BoxDeveloperTokenAuth, BoxJwtAuth, CcgConfig, JwtConfig } from 'box-node-sdk';
import { BaseUrls, BoxRetryStrategy, NetworkSession, type RetryStrategy } from 'box-node-sdk/networking';
import type { FetchOptions } from 'box-node-sdk/networking/fetchOptions';
import type { FetchResponse } from 'box-node-sdk/networking/fetchResponse';

/**
 * The Box client of WRK: the real box-node-sdk, authenticated from configuration, pointed at real Box or at a
 * local Box API (BOX_API_BASE), with a retry strategy that honours `retry-after` and a timeout on every call.
 */
export interface BoxConfig {
  /** Base URL of the API (default https://api.box.com); uploads and OAuth follow it unless given. */
  apiBase?: string;
  uploadBase?: string;
  developerToken?: string;
  clientId?: string;
  clientSecret?: string;
  enterpriseId?: string;
  userId?: string;
  /** Path of the JWT app's config JSON from the Box Developer Console. */
  jwtConfigFile?: string;
  /** Per request, including each retry (default 30 s). */
  timeoutMs?: number;
  /** Attempts per call, the first included (default 6). */
  maxAttempts?: number;
  /** The longest `retry-after` waited for, in seconds (default 120); longer ones are capped. */
  maxRetryAfterSeconds?: number;
  /** The first backoff without a `retry-after`, in seconds (default 1, doubling per attempt, randomised ±50 %). */
  retryBaseSeconds?: number;
}

export class BoxConfigError extends Error {
  override name = 'BoxConfigError';
}

/** The configuration in the environment (BOX_*), or null when none of Box's credentials is set. */
export function boxConfigFromEnv(env: NodeJS.ProcessEnv = process.env): BoxConfig | null {
  const config: BoxConfig = {
    apiBase: env.BOX_API_BASE || undefined,
    uploadBase: env.BOX_UPLOAD_BASE || undefined,
    developerToken: env.BOX_DEVELOPER_TOKEN || undefined,
    clientId: env.BOX_CLIENT_ID || undefined,
    clientSecret: env.BOX_CLIENT_SECRET || undefined,
    enterpriseId: env.BOX_ENTERPRISE_ID || undefined,
    userId: env.BOX_USER_ID || undefined,
    jwtConfigFile: env.BOX_JWT_CONFIG_FILE || undefined,
    timeoutMs: env.BOX_TIMEOUT_MS ? Number(env.BOX_TIMEOUT_MS) : undefined,
  };
  const hasCredentials = config.developerToken || config.clientId || config.clientSecret || config.jwtConfigFile;
  return hasCredentials ? config : null;
}

/**
 * Box's retry strategy, except that it reads the `retry-after` header as node-fetch delivers it (lowercase):
 * the SDK looks for `Retry-After` and so never finds it. Delays are in seconds, as the SDK expects.
 */
export class RetryAfterAwareStrategy implements RetryStrategy {
  private readonly base: BoxRetryStrategy;

  constructor(
    maxAttempts = 6,
    private readonly maxRetryAfterSeconds = 120,
    retryBaseInterval = 1,
  ) {
    this.base = new BoxRetryStrategy({ maxAttempts, retryBaseInterval });
  }

  async shouldRetry(options: FetchOptions, response: FetchResponse, attempt: number): Promise<boolean> {
    if (response.status === 202 && retryAfterSeconds(response) !== null) return attempt < this.base.maxAttempts;
    return this.base.shouldRetry(options, response, attempt);
  }

  retryAfter(options: FetchOptions, response: FetchResponse, attempt: number): number {
    const seconds = retryAfterSeconds(response);
    return seconds === null ? this.base.retryAfter(options, response, attempt) : Math.min(seconds, this.maxRetryAfterSeconds);
  }
}

function retryAfterSeconds(response: FetchResponse): number | null {
  const header = response.headers['retry-after'] ?? response.headers['Retry-After'];
  if (header === undefined || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header); // an HTTP date is allowed too
  return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
}

function authOf(config: BoxConfig) {
  if (config.developerToken) return new BoxDeveloperTokenAuth({ token: config.developerToken });
  if (config.jwtConfigFile) {
    let json: string;
    try {
      json = readFileSync(config.jwtConfigFile, 'utf8');
    } catch (error) {
      throw new BoxConfigError(`BOX_JWT_CONFIG_FILE ${config.jwtConfigFile} cannot be read: ${errorText(error)}`);
    }
    try {
      return new BoxJwtAuth({ config: JwtConfig.fromConfigJsonString(json) });
    } catch (error) {
      throw new BoxConfigError(`BOX_JWT_CONFIG_FILE ${config.jwtConfigFile} is not a Box JWT app config: ${errorText(error)}`);
    }
  }
  if (config.clientId || config.clientSecret) {
    if (!config.clientId || !config.clientSecret)
      throw new BoxConfigError('Box client credentials need both BOX_CLIENT_ID and BOX_CLIENT_SECRET');
    if (!config.enterpriseId && !config.userId)
      throw new BoxConfigError('Box client credentials need BOX_ENTERPRISE_ID (service account) or BOX_USER_ID');
    const { clientId, clientSecret, enterpriseId, userId } = config;
    return new BoxCcgAuth({ config: new CcgConfig({ clientId, clientSecret, enterpriseId, userId }) });
  }
  throw new BoxConfigError(
    'Box is not configured: set BOX_DEVELOPER_TOKEN, or BOX_CLIENT_ID + BOX_CLIENT_SECRET + BOX_ENTERPRISE_ID (or BOX_USER_ID), or BOX_JWT_CONFIG_FILE',
  );
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function baseUrlsOf(config: BoxConfig): BaseUrls {
  const base = (config.apiBase ?? 'https://api.box.com').replace(/\/+$/, '');
  try {
    new URL(base);
  } catch {
    throw new BoxConfigError(`BOX_API_BASE ${base} is not a URL`);
  }
  const real = base === 'https://api.box.com';
  return new BaseUrls({
    baseUrl: base,
    uploadUrl: config.uploadBase ?? (real ? 'https://upload.box.com/api' : `${base}/api`),
    oauth2Url: real ? 'https://account.box.com/api/oauth2' : `${base}/oauth2`,
  });
}

/** A Box client for the configuration; throws BoxConfigError, naming what to set, when it is incomplete. */
export function createBoxClient(config: BoxConfig): BoxClient {
  const timeoutMs = config.timeoutMs ?? 30_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new BoxConfigError('BOX_TIMEOUT_MS must be a positive number of milliseconds');
  const networkSession = new NetworkSession({ baseUrls: baseUrlsOf(config) }).withRetryStrategy(
    new RetryAfterAwareStrategy(config.maxAttempts, config.maxRetryAfterSeconds, config.retryBaseSeconds),
  );
  return new BoxClient({ auth: authOf(config), networkSession }).withTimeouts({ timeoutMs });
}
