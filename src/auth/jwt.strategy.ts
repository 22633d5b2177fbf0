import { Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import passport from 'passport';
import { PassportStrategy } from '@nestjs/passport';
import { KeyObject } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { InvalidTokenError } from '../credentials/credential-errors';
import { CredentialReader } from '../credentials/credential-reader';
import { UserConnectionPool } from '../falkordb/user-connections/user-connection-pool';
import { AdminRoleRecheck } from './admin-role-recheck';
import { AuthSettings, PAT_AUDIENCE, SESSION_AUDIENCE } from './auth-settings';
import { IssuedClaims } from './jwt-claims';
import { CredentialKind, Principal } from '../domain/principal';
import { principalOf } from './principal-of';
import { markFailureRecorded } from './recorded-failure';
import type { AuthFailureReason } from '../audit/auth-failures';
import { credentialOf, extractCredential, RequestCredential } from './request-credential';
import { requestOriginOf } from './request-origin';
import { VerifiedSignatures } from './verified-signatures';
import { attachVerifiedRecord } from '../credentials/verified-record';
import { RememberedCredentialCheck } from './remembered-credential-check';
import { hasAcceptedType } from './jwt-header';

export const JWT_STRATEGY = 'falkordb-jwt';

/** A credential and the id its verified claims give it. */
interface ClaimedCredential extends RequestCredential {
  id: string;
}

/** The request's credential when the claims are of its kind, with an id and its kind's audience. */
function fittingCredential(request: object, claims: IssuedClaims): ClaimedCredential | undefined {
  const credential = credentialOf(request);
  if (!credential || claims.typ !== credential.kind || typeof claims.jti !== 'string' || claims.aud !== AUDIENCE[credential.kind]) return undefined;
  return { ...credential, id: claims.jti };
}

/** Leeway for clocks that disagree slightly between issuer and verifier. */
export const CLOCK_TOLERANCE_SECONDS = 30;

const AUDIENCE: Readonly<Record<CredentialKind, string>> = { pat: PAT_AUDIENCE, session: SESSION_AUDIENCE };

const REJECTED: Readonly<Record<CredentialKind, string>> = {
  pat: 'The access token is invalid, expired or revoked',
  session: 'The session is invalid, expired or has been logged out',
};

/**
 * Accepts a PAT (Bearer) or a session (cookie). passport-jwt verifies the signature (HS256 only,
 * with the key of the credential's kind), `iss`, `aud` and `exp`; then every request is checked
 * against the credential store (CredentialReader.verify: exists, not revoked or expired, same hash
 * in constant time). A recorded Admin role is confirmed against the server's ACL (AdminRoleRecheck).
 * Store errors propagate as 503: authentication fails closed.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) implements OnModuleDestroy, RememberedCredentialCheck {
  constructor(
    settings: AuthSettings,
    private readonly credentials: CredentialReader,
    private readonly adminRecheck: AdminRoleRecheck,
    /** Closes the pooled FalkorDB connection of a credential that fails here (revoked, expired). */
    @Optional() private readonly pool?: UserConnectionPool,
  ) {
    const keyOf: Readonly<Record<CredentialKind, (raw: string) => KeyObject>> = {
      pat: (raw) => settings.patKeyFor(raw),
      session: () => settings.sessionKey,
    };
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([
        (request: Parameters<typeof extractCredential>[0]) =>
          extractCredential(request, settings.sessionCookieName)?.token ?? null,
      ]),
      // The key is chosen by where the credential came from, never by anything the token claims.
      // The PAT key may be a previous one (rotation), looked up by the header's kid.
      secretOrKeyProvider: (request: object, raw: string, done: (error: unknown, key?: string | Buffer) => void) => {
        done(null, keyOf[credentialOf(request)?.kind ?? 'pat'](raw) as unknown as Buffer);
      },
      algorithms: ['HS256'],
      issuer: settings.issuer,
      audience: [PAT_AUDIENCE, SESSION_AUDIENCE],
      jsonWebTokenOptions: { clockTolerance: CLOCK_TOLERANCE_SECONDS },
      passReqToCallback: true,
    });
    // JwtAuthGuard authenticates with this instance by its own name (see AuthSettings.strategyName).
    passport.use(settings.strategyName, this);
    this.strategyName = settings.strategyName;
    this.cookieName = settings.sessionCookieName;
  }

  private readonly strategyName: string;
  private readonly cookieName: string;
  private readonly signatures = new VerifiedSignatures(CLOCK_TOLERANCE_SECONDS);

  onModuleDestroy(): void {
    passport.unuse(this.strategyName);
  }

  /**
   * The principal for a token whose exact text passport-jwt verified before (its expiry is checked
   * again; the store check runs as always), or undefined when it was not: then only a full passport
   * authentication will do. JwtAuthGuard asks this first, so a known token skips passport's
   * per-request machinery (a middleware, a strategy copy with its callbacks, two promises), which
   * costs more than the signature check it would skip anyway.
   */
  validateRemembered(request: Parameters<typeof extractCredential>[0] & object): Promise<Principal> | undefined {
    const credential = extractCredential(request, this.cookieName);
    const claims = credential && this.signatures.claimsOf(credential.kind, credential.token, Date.now());
    if (!claims) return undefined;
    const fitting = fittingCredential(request, claims);
    return fitting ? this.principalFor(request, fitting, claims) : Promise.reject(new InvalidTokenError(REJECTED.pat));
  }

  /**
   * passport-jwt verifies the signature on every request; a token whose exact text was verified
   * before skips straight to validate() (as validateRemembered, for callers that go through passport).
   */
  override authenticate(request: Parameters<typeof extractCredential>[0] & object, options?: object): void {
    const remembered = this.validateRemembered(request);
    if (!remembered) {
      super.authenticate(request as never, options);
      return;
    }
    // `success` and `error` are added by passport to the per-request copy of the strategy.
    const outcome = this as unknown as { success(user: Principal): void; error(error: unknown): void };
    remembered.then(
      (principal) => outcome.success(principal),
      (error: unknown) => outcome.error(error),
    );
  }

  /** passport-jwt's callback, with claims it has just verified: remembered for the token's next use. */
  async validate(request: object, claims: IssuedClaims): Promise<Principal> {
    const credential = fittingCredential(request, claims);
    // The header's type is checked here, once per token text: remembered tokens passed it.
    if (!credential || !hasAcceptedType(credential.kind, credential.token)) throw new InvalidTokenError(REJECTED.pat);
    this.signatures.remember(credential.kind, credential.token, claims, Date.now());
    return this.principalFor(request, credential, claims);
  }

  /** The store check and the principal, for verified claims that fit the credential. */
  private async principalFor(request: object, credential: ClaimedCredential, claims: IssuedClaims): Promise<Principal> {
    const { kind, id } = credential;
    // Where the request came from: recorded with the use (usage, new addresses) or the refusal.
    const origin = requestOriginOf(request);
    const presented = { kind, id, subject: claims.sub, token: credential.token, clientAddress: origin.ip, userAgent: origin.userAgent };
    let refusal: AuthFailureReason = 'invalid_token';
    const record = await this.credentials.verify(presented, Date.now(), (reason) => (refusal = reason));
    if (!record) {
      // Revocation on another instance shows up here first: its connection on this one goes too.
      this.pool?.evict(id);
      markFailureRecorded(request, refusal);
      throw new InvalidTokenError(REJECTED[kind]);
    }
    const principal = principalOf(kind, record);
    attachVerifiedRecord(principal, record);
    // A recorded Admin acts as Admin only while the server's ACL still says so (re-read every 30 s at most).
    principal.role = await this.adminRecheck.currentRole(principal);
    // A user the ACL has narrowed to Read-Only reads, whatever the credential was created with.
    if (principal.role === 'Read-Only') principal.access = 'read';
    return principal;
  }
}
