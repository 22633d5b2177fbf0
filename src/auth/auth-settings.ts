import { createHash, createSecretKey, KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { FalkorDbConnection } from '../graph/falkordb-connection';
import { ServerAddress } from '../graph/server-address';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition';
import {
  AuthModuleOptions,
  DEFAULT_ISSUER,
  DEFAULT_SESSION_COOKIE,
  DEFAULT_SESSION_TTL_SECONDS,
  validateAuthOptions,
} from './auth.options';
import { PasswordCipher } from './crypto/password-cipher';

export const PAT_AUDIENCE = 'falkordb-pat:api';
export const SESSION_AUDIENCE = 'falkordb-pat:session';

/** Short, non-reversible id of a secret, used as the JWT `kid`. */
function keyIdOf(prefix: string, secret: string): string {
  return `${prefix}-${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
}

/**
 * Validated auth options with everything derived from them built once at startup: KeyObjects
 * (verifying HS256 with a prebuilt KeyObject is ~5x faster than with a string secret), the cipher,
 * and the allow-list.
 */
@Injectable()
export class AuthSettings {
  readonly patKey: KeyObject;
  readonly patKeyId: string;
  readonly sessionKey: KeyObject;
  readonly sessionKeyId: string;
  readonly issuer: string;
  readonly sessionTtlSeconds: number;
  readonly sessionCookieName: string;
  readonly secureCookies: boolean;
  readonly cipher: PasswordCipher;
  private readonly explicitAllowList?: ServerAddress[];

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions,
    private readonly store: FalkorDbConnection,
  ) {
    validateAuthOptions(options);
    this.patKey = createSecretKey(Buffer.from(options.jwtSecret, 'utf8'));
    this.patKeyId = keyIdOf('pat', options.jwtSecret);
    this.sessionKey = createSecretKey(Buffer.from(options.sessionSecret, 'utf8'));
    this.sessionKeyId = keyIdOf('session', options.sessionSecret);
    this.issuer = options.issuer ?? DEFAULT_ISSUER;
    this.sessionTtlSeconds = options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
    this.sessionCookieName = options.sessionCookieName ?? DEFAULT_SESSION_COOKIE;
    this.secureCookies = options.secureCookies ?? false;
    this.cipher = new PasswordCipher(options.encryptionKey);
    this.explicitAllowList = options.allowedServers?.length ? options.allowedServers : undefined;
  }

  /** Servers users may log in to; by default only the store's own server (known once connected). */
  get allowedServers(): readonly ServerAddress[] {
    return this.explicitAllowList ?? [this.store.server];
  }

  /** The server used when a login names no host. */
  get defaultServer(): ServerAddress {
    return this.store.server;
  }
}
