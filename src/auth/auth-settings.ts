import { createHash, createSecretKey, KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { sameHost, ServerAddress } from '../falkordb/server-address';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition';
import {
  AuthModuleOptions,
  DEFAULT_ISSUER,
  DEFAULT_SESSION_COOKIE,
  DEFAULT_SESSION_TTL_SECONDS,
  validateAuthOptions,
} from './auth.options';
import { jwtHeaderOf } from './jwt-header';

export const PAT_AUDIENCE = 'falkordb-pat:api';
export const SESSION_AUDIENCE = 'falkordb-pat:session';

/** Short, non-reversible id of a secret, used as the JWT `kid`. */
function keyIdOf(prefix: string, secret: string): string {
  return `${prefix}-${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
}

const isStoreServer = (server: ServerAddress, store: ServerAddress): boolean => server.port === store.port && sameHost(server.host, store.host);

let strategiesCreated = 0;
const nextStrategyNumber = (): number => ++strategiesCreated;

/**
 * Validated auth options with everything derived from them built once at startup: KeyObjects
 * (verifying HS256 with a prebuilt KeyObject is ~5x faster than with a string secret) and the
 * allow-list.
 */
@Injectable()
export class AuthSettings {
  /**
   * The name this module's JwtStrategy is registered under in passport's process-wide registry:
   * unique, so two applications in one process (or a host's own `jwt` strategy) never swap strategies.
   */
  readonly strategyName = `falkordb-jwt#${nextStrategyNumber()}`;
  readonly patKey: KeyObject;
  readonly patKeyId: string;
  /** Current and previous PAT keys by `kid`: verification picks the key the token was signed with. */
  readonly patVerificationKeys: ReadonlyMap<string, KeyObject>;
  readonly sessionKey: KeyObject;
  readonly sessionKeyId: string;
  readonly issuer: string;
  readonly sessionTtlSeconds: number;
  readonly sessionCookieName: string;
  readonly secureCookies: boolean;
  readonly trustedOrigins: readonly string[];
  private readonly explicitAllowList?: ServerAddress[];
  private allowListWithoutStore?: readonly ServerAddress[];

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions,
    private readonly store: FalkorDbConnection,
  ) {
    validateAuthOptions(options);
    this.patKey = createSecretKey(Buffer.from(options.jwtSecret, 'utf8'));
    this.patKeyId = keyIdOf('pat', options.jwtSecret);
    const verificationKeys = new Map<string, KeyObject>();
    for (const previous of options.previousJwtSecrets ?? []) {
      verificationKeys.set(keyIdOf('pat', previous), createSecretKey(Buffer.from(previous, 'utf8')));
    }
    verificationKeys.set(this.patKeyId, this.patKey);
    this.patVerificationKeys = verificationKeys;
    this.sessionKey = createSecretKey(Buffer.from(options.sessionSecret, 'utf8'));
    this.sessionKeyId = keyIdOf('session', options.sessionSecret);
    this.issuer = options.issuer ?? DEFAULT_ISSUER;
    this.sessionTtlSeconds = options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
    this.sessionCookieName = options.sessionCookieName ?? DEFAULT_SESSION_COOKIE;
    this.secureCookies = options.secureCookies ?? false;
    this.trustedOrigins = (options.trustedOrigins ?? []).map((origin) => new URL(origin).origin);
    this.explicitAllowList = options.allowedServers?.length ? options.allowedServers : undefined;
  }

  /**
   * Servers users may log in to; by default only the users' server (known once connected). A token
   * store on a server of its own is never one of them, whatever the allow-list says.
   */
  get allowedServers(): readonly ServerAddress[] {
    if (!this.explicitAllowList) return [this.store.server];
    if (!this.store.storeIsSeparate) return this.explicitAllowList;
    // Read once the store is connected (its address is known from then on, and never changes).
    this.allowListWithoutStore ??= this.explicitAllowList.filter((server) => !isStoreServer(server, this.store.storeServer));
    return this.allowListWithoutStore;
  }

  /** The PAT key for a token's `kid` (the current key when the kid is unknown or absent). */
  patKeyFor(rawToken: string): KeyObject {
    const kid = jwtHeaderOf(rawToken)?.kid;
    return (kid && this.patVerificationKeys.get(kid)) || this.patKey;
  }

  /** The server used when a login names no host. */
  get defaultServer(): ServerAddress {
    return this.store.server;
  }
}
