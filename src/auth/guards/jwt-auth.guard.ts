import { ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AuditEventAggregator } from '../../audit/audit-event-aggregator';
import { AuthFailureReason, ipDenial, unknownCredentialFailure } from '../../audit/auth-failures';
import { DomainError } from '../../common/domain-errors';
import { InvalidTokenError } from '../../credentials/credential-errors';
import { AuthenticationRequiredError, TokenIpNotAllowedError } from '../auth-errors';
import { isoSeconds } from '../../common/iso-time';
import { isAllowedAddress } from '../../credentials/allowed-ips';
import { AttemptLimiter } from '../attempt-limiter';
import { AuthSettings } from '../auth-settings';
import { clientAddressOf } from '../client-address';
import { CREDENTIAL_KINDS_KEY } from '../metadata-keys';
import { isFailureRecorded, recordedFailureOf } from '../recorded-failure';
import { AuthenticationResult, PatMetrics } from '../../metrics/pat-metrics';
import { authenticationResultOf } from './authentication-result';
import { extractCredential } from '../request-credential';
import { requestOriginOf } from '../request-origin';
import { CredentialKind, Principal } from '../../domain/principal';
import { assertCredentialKindAccepted } from './credential-kind-rule';
import { assertSameOriginSession } from './same-origin-rule';
import { REMEMBERED_CREDENTIAL_CHECK, RememberedCredentialCheck } from '../remembered-credential-check';

function rejectionMessage(info: unknown): string {
  const name = info instanceof Error ? info.name : '';
  if (name === 'TokenExpiredError') return 'The access token has expired';
  return 'The access token is invalid, expired or revoked';
}

interface GuardedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  user: Principal;
}

/**
 * Authenticates with the JwtStrategy and maps every failure to a domain error (an HttpException,
 * so a host route with only `@UseGuards(JwtAuthGuard)` answers correctly without our filter): no
 * credential -> 401, a bad one -> 401 invalid_token (counted per credential, or per client when none
 * was sent: 429 past the limit, see AttemptLimiter),
 * store down -> 503.
 * Then enforces which credential kinds the route accepts (e.g. minting PATs needs a session) and,
 * for cookie-authenticated state-changing requests, a same-origin Origin (CSRF). Refused
 * credentials and uses from outside a token's allowed IPs are recorded in the audit log
 * (aggregated: one event per credential and minute).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard() {
  /**
   * The strategy's shortcut for tokens verified before. Injected as a property, so host subclasses
   * keep the constructor they were written against.
   */
  @Inject(REMEMBERED_CREDENTIAL_CHECK) private readonly rememberedCredentials!: RememberedCredentialCheck;

  /** Counts each authentication by kind and result, when the host counts metrics. */
  @Optional() @Inject(PatMetrics) private readonly metrics?: PatMetrics;

  /** Requests whose JWT was refused only for having expired (noted by handleRequest, read by recordRefusal). */
  private readonly expired = new WeakSet<object>();

  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: AttemptLimiter,
    private readonly settings: AuthSettings,
    private readonly adapterHost: HttpAdapterHost,
    private readonly repeatedEvents: AuditEventAggregator,
  ) {
    // This module's own strategy instance, not whichever registered the shared name last.
    super({ defaultStrategy: settings.strategyName });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      return await this.authenticate(context);
    } catch (error) {
      // The challenge and Retry-After go out whichever exception filter renders the error.
      if (error instanceof DomainError) for (const [name, value] of Object.entries(error.headers)) this.setHeader(context, name, value);
      throw error;
    }
  }

  private setHeader(context: ExecutionContext, name: string, value: string): void {
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    adapter?.setHeader(context.switchToHttp().getResponse(), name, value);
  }

  /** Each step may refuse the request; read top to bottom, they are the whole policy. */
  private async authenticate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const client = clientAddressOf(request);
    const credential = extractCredential(request, this.settings.sessionCookieName);
    const presented = credential?.token;
    const started = performance.now();
    let principal: Principal;
    try {
      await this.admitAttempt(client, presented);
      principal = await this.verify(context, request, client, presented);
      this.enforceAllowedIps(request, principal, client);
    } catch (error) {
      if (credential) this.count(credential.kind, authenticationResultOf(error, this.expired.has(request), recordedFailureOf(request)), started);
      throw error;
    }
    if (credential) this.count(credential.kind, 'ok', started);
    this.announceExpiry(context, principal);
    assertCredentialKindAccepted(this.acceptedKinds(context), principal);
    assertSameOriginSession(request, principal, this.settings.trustedOrigins);
    return true;
  }

  private count(kind: CredentialKind, result: AuthenticationResult | undefined, started: number): void {
    if (result) this.metrics?.authentication(kind, result, (performance.now() - started) / 1000);
  }

  /** 429 when this credential (or, without one, this client) failed too often of late. */
  private async admitAttempt(client: string, presented: string | undefined): Promise<void> {
    // A failure of this credential still being counted across instances is waited for, not raced.
    const counting = this.limiter.failuresBeingCounted(presented);
    if (counting) await counting;
    this.limiter.assertAuthenticationAllowed(client, presented);
  }

  /** The JwtStrategy's principal; a refusal is counted and recorded before it is thrown. */
  private async verify(context: ExecutionContext, request: GuardedRequest, client: string, presented: string | undefined): Promise<Principal> {
    try {
      // A token whose signature was verified before goes straight to the strategy's store check.
      const remembered = this.rememberedCredentials.validateRemembered(request);
      if (remembered) request.user = await this.handledAsPassportWould(remembered, context);
      else await super.canActivate(context);
      return request.user;
    } catch (error) {
      if (error instanceof InvalidTokenError || error instanceof AuthenticationRequiredError) {
        // Counted here at once; the shared count follows when FalkorDB answers. The 401 does not
        // wait for that write (it never rejects): a refusal is as fast as an acceptance.
        void this.limiter.recordAuthenticationFailure(client, presented, isFailureRecorded(request));
      }
      if (error instanceof InvalidTokenError) this.recordRefusal(request);
      throw error;
    }
  }

  /** The outcome of the shortcut through handleRequest, as passport's would go: a host subclass's override still decides. */
  private async handledAsPassportWould(remembered: Promise<Principal>, context: ExecutionContext): Promise<Principal> {
    let principal: Principal;
    try {
      principal = await remembered;
    } catch (error) {
      return this.handleRequest<Principal>(error, false, undefined, context);
    }
    return this.handleRequest<Principal>(null, principal, undefined, context);
  }

  /** A token used from outside its allowed addresses: 403, recorded as token.ip_denied. */
  private enforceAllowedIps(request: GuardedRequest, principal: Principal, client: string): void {
    if (!principal.allowedIps || isAllowedAddress(principal.allowedIps, client)) return;
    const { username, credentialId: tokenId, host, port, allowedIps } = principal;
    this.repeatedEvents.record(ipDenial({ username, tokenId, host, port, allowedIps }, { at: Date.now(), ...requestOriginOf(request) }));
    throw new TokenIpNotAllowedError(client);
  }

  /** Scripts learn when to rotate from any response, without asking. */
  private announceExpiry(context: ExecutionContext, principal: Principal): void {
    if (principal.kind === 'pat' && principal.expiresAt !== null) this.setHeader(context, 'Token-Expires-At', isoSeconds(principal.expiresAt));
  }

  private acceptedKinds(context: ExecutionContext): CredentialKind[] | undefined {
    return this.reflector.getAllAndOverride<CredentialKind[] | undefined>(CREDENTIAL_KINDS_KEY, [context.getHandler(), context.getClass()]);
  }

  /**
   * A credential refused before the store saw it (bad signature, expired, garbled) is recorded here;
   * one the store refused was recorded by the store, with its owner.
   */
  private recordRefusal(request: GuardedRequest): void {
    const credential = extractCredential(request, this.settings.sessionCookieName);
    if (!credential || isFailureRecorded(request)) return;
    const reason: AuthFailureReason = this.expired.has(request) ? 'expired' : 'invalid_token';
    this.repeatedEvents.record(unknownCredentialFailure(credential.kind, credential.token, reason, { at: Date.now(), ...requestOriginOf(request) }));
  }

  override handleRequest<TUser = Principal>(error: unknown, user: unknown, info: unknown, context?: ExecutionContext): TUser {
    // Domain errors (invalid token, store unavailable) keep their meaning; anything else is a
    // fault of ours and must surface as 500, not be disguised as a bad token.
    if (error instanceof Error) throw error;
    if (error) throw new Error(`Authentication failed unexpectedly: ${JSON.stringify(error)}`);
    if (!user) {
      if (info instanceof Error && info.message === 'No auth token') throw new AuthenticationRequiredError();
      if (info instanceof Error && info.name === 'TokenExpiredError' && context) this.expired.add(context.switchToHttp().getRequest<object>());
      throw new InvalidTokenError(rejectionMessage(info));
    }
    return user as TUser;
  }
}
