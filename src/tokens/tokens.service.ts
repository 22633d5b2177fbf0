import { Inject, Injectable } from '@nestjs/common';
import { actorOf, auditContextOf } from '../audit/audit-context';
import { AuditContext } from '../audit/audit-event';
import { FalkorDbLoginService, VerifiedUser } from '../auth/falkordb-login.service';
import { JwtIssuer } from '../auth/jwt-issuer';
import { Principal } from '../domain/principal';
import { RequestOrigin, UNKNOWN_ORIGIN } from '../domain/request-origin';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/domain-errors';
import { isoOrNull } from '../common/iso-time';
import { CredentialReader } from '../credentials/credential-reader';
import { CredentialWriter } from '../credentials/credential-writer';
import { verifiedRecordOf } from '../credentials/verified-record';
import { TokenListFilter, TokenRecord, TokenState } from '../credentials/store/token.record';
import { PageCursors } from '../paging/page-cursors';
import { DEFAULT_PAGE_LIMIT } from '../paging/page-params';
import { reachOf, TokenPermissions } from '../domain/token-permissions';
import { canonicalIpRange } from '../credentials/allowed-ips';
import { RevokedAllDto } from './dto/bulk-revoke.query';
import { CreateTokenWithCredentialsDto } from './dto/create-token-with-credentials.dto';
import { CreatedTokenDto } from './dto/created-token.dto';
import { ListTokensQuery } from './dto/list-tokens.query';
import { LeakReportAcceptedDto } from './dto/revoke-leaked.dto';
import { RevokedTokenDto, TokenDetailDto, TokenListDto } from './dto/token-metadata.dto';
import { TokenExpiryDto, TokenSpecDto } from './dto/token-spec.dto';
import { assertMayChange, assertMayList, assertMayRevokeAll, mayAccess, scopeOf } from './token-access';
import { resolveExpiry } from './token-expiry';
import { newTokenId } from './token-id';
import { toDetail, toMetadata } from './token-view';
import { TOKENS_MODULE_OPTIONS } from './tokens.module-definition';
import { TokenPolicy, tokenPolicyOf, TokensModuleOptions } from './tokens.options';

function isActive(record: TokenRecord, now: number): boolean {
  return !record.revoked && (record.expiresAt === null || record.expiresAt > now);
}

/** Where a request came from: a host that passes just a client address gives no user agent. */
function originOf(origin: RequestOrigin | string): RequestOrigin {
  return typeof origin === 'string' ? { ip: origin, userAgent: null } : origin;
}

const epochMs = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

/**
 * Generate, list, get, rotate and revoke Personal Access Tokens: what the HTTP API does, callable
 * from a host application's own code too (exported by TokensModule).
 */
@Injectable()
export class TokensService {
  private readonly policy: TokenPolicy;

  constructor(
    @Inject(TOKENS_MODULE_OPTIONS) options: TokensModuleOptions,
    private readonly credentialReader: CredentialReader,
    private readonly credentialWriter: CredentialWriter,
    private readonly login: FalkorDbLoginService,
    private readonly issuer: JwtIssuer,
    private readonly cursors: PageCursors,
  ) {
    this.policy = tokenPolicyOf(options);
  }

  /**
   * For API/CLI users: FalkorDB credentials in, token out. `origin` is where the attempt came from
   * (a client address, or the request's address and user agent): failed attempts are counted per
   * address and per username, and the audit log records it.
   */
  async createWithCredentials(body: CreateTokenWithCredentialsDto, origin: RequestOrigin | string): Promise<CreatedTokenDto> {
    // Validate the cheap things before opening a connection to FalkorDB.
    resolveExpiry(body, Date.now(), this.policy);
    const from = originOf(origin);
    const user = await this.login.login(body, from.ip ?? 'unknown', from.userAgent);
    return this.mint(user, body.password, body, auditContextOf({ username: user.username, tokenId: null }, from));
  }

  /**
   * For an authenticated caller (a browser session, or a host's own code acting for a principal):
   * no credentials needed. The stored password of the caller's credential is checked with FalkorDB
   * again, and the role read afresh, so a new token never carries a password FalkorDB has since
   * refused nor a role the ACL no longer gives.
   */
  async createForPrincipal(principal: Principal, spec: TokenSpecDto, origin: RequestOrigin = UNKNOWN_ORIGIN): Promise<CreatedTokenDto> {
    resolveExpiry(spec, Date.now(), this.policy);
    const { user, password } = await this.login.reverify(principal);
    return this.mint(user, password, spec, auditContextOf(actorOf(principal), origin));
  }

  /**
   * One page of the caller's tokens (every token of the server for admins), filtered and sorted as
   * `query` says (default: active, newest first, 100 per page). `next_cursor` continues it; a cursor
   * is bound to the caller and the query. A bare state means `{ state }`.
   */
  async list(principal: Principal, query: ListTokensQuery | TokenState = {}): Promise<TokenListDto> {
    const { state = 'active', username, name, expires_before, last_used_before, sort = '-created_at', limit = DEFAULT_PAGE_LIMIT, cursor } =
      typeof query === 'string' ? { state: query } : query;
    assertMayList(principal, username);
    const scope = scopeOf(principal);
    const filter: TokenListFilter = {
      state,
      username,
      nameContains: name?.toLowerCase(),
      expiresBefore: epochMs(expires_before),
      lastUsedBefore: epochMs(last_used_before),
    };
    const binding = JSON.stringify([
      'tokens',
      principal.userId,
      scope.host,
      scope.port,
      scope.username ?? null,
      filter.state,
      filter.username ?? null,
      filter.nameContains ?? null,
      filter.expiresBefore ?? null,
      filter.lastUsedBefore ?? null,
      sort,
    ]);
    const from = cursor === undefined ? undefined : this.cursors.open(binding, cursor);
    const page = await this.credentialReader.listTokens(scope, filter, sort, { after: from?.after ?? null, width: from?.width, limit }, Date.now());
    return {
      tokens: page.records.map(toMetadata),
      count: page.records.length,
      role: principal.role,
      next_cursor: page.next && this.cursors.seal(binding, page.next),
    };
  }

  async get(principal: Principal, tokenId: string): Promise<TokenDetailDto> {
    // A token asking about itself was read from the store moments ago in this request.
    const own = principal.kind === 'pat' && tokenId === principal.credentialId ? verifiedRecordOf(principal) : undefined;
    const record = own ? { ...own, name: own.name ?? '' } : await this.findVisible(principal, tokenId);
    return toDetail(record, Date.now());
  }

  async revoke(principal: Principal, tokenId: string, origin: RequestOrigin = UNKNOWN_ORIGIN): Promise<RevokedTokenDto> {
    assertMayChange(principal, tokenId, 'revoke');
    const record = await this.findVisible(principal, tokenId);
    const reason = record.username === principal.username ? 'owner' : 'admin';
    await this.credentialWriter.revoke({ kind: 'pat', id: tokenId }, Date.now(), reason, principal.username, auditContextOf(actorOf(principal), origin));
    return { message: 'Token revoked successfully', tokenId };
  }

  /** Every active token of `username` (default: the caller) on the caller's server; another user's needs Admin. */
  async revokeAll(principal: Principal, username = principal.username, origin: RequestOrigin = UNKNOWN_ORIGIN): Promise<RevokedAllDto> {
    assertMayRevokeAll(principal, username);
    const context = auditContextOf(actorOf(principal), origin);
    const revoked = await this.credentialWriter.revokeTokensOf(principal, username, Date.now(), principal.username, context);
    return { message: 'Tokens revoked successfully', revoked };
  }

  /**
   * Anyone who found tokens may report them: each genuine, active token of this service among them
   * is revoked. The answer is the same whatever they were, so it tells nothing about them.
   */
  async revokeLeaked(tokens: string[], origin: RequestOrigin = UNKNOWN_ORIGIN): Promise<LeakReportAcceptedDto> {
    const now = Date.now();
    // Whoever reported is not known: the event says only where the report came from.
    const context = auditContextOf(null, origin);
    for (const token of new Set(tokens)) {
      const tokenId = this.issuer.patIdOf(token);
      if (tokenId !== undefined) await this.credentialWriter.revokeIfGenuine(tokenId, token, now, context);
    }
    return { received: tokens.length };
  }

  /**
   * A new token with the same name, owner, permissions and allowed addresses; the old one is
   * revoked in the same write. Default lifetime: the old token's length, from now (or never).
   * The owner's stored password is checked with FalkorDB again, and the role read afresh.
   */
  async rotate(principal: Principal, tokenId: string, spec: TokenExpiryDto = {}, origin: RequestOrigin = UNKNOWN_ORIGIN): Promise<CreatedTokenDto> {
    assertMayChange(principal, tokenId, 'rotate');
    const old = await this.findVisible(principal, tokenId);
    const now = Date.now();
    if (!isActive(old, now)) throw new ConflictError(`Token ${tokenId} is no longer active (revoked or expired): create a new token`);
    const lifetime = spec.ttlSeconds != null || spec.expiresAt != null ? spec : this.lifetimeOf(old);
    resolveExpiry(lifetime, now, this.policy);
    const owner: Principal = { ...principal, kind: 'pat', credentialId: old.id, userId: old.userId, username: old.username, host: old.host, port: old.port, tls: old.tls };
    const { user, password } = await this.login.reverify(owner);
    // The ACL may have narrowed the user since: the new token never reaches further than it may.
    const permissions: TokenPermissions = { ...old.permissions, access: user.role === 'Read-Only' ? 'read' : old.permissions.access };
    const created = this.newToken(user, password, { name: old.name, ...lifetime }, permissions, old.allowedIps);
    if (!(await this.credentialWriter.rotateToken(old.id, created.record, now, principal.username, auditContextOf(actorOf(principal), origin)))) {
      throw new ConflictError(`Token ${tokenId} is no longer active (revoked or expired): create a new token`);
    }
    return created.answer;
  }

  /** Same 404 for "does not exist" and "not yours": no existence oracle. */
  private async findVisible(principal: Principal, tokenId: string): Promise<TokenRecord> {
    const record = await this.credentialReader.findToken(tokenId);
    if (!record || !mayAccess(principal, record)) throw new NotFoundError(`Token ${tokenId} not found`);
    return record;
  }

  private lifetimeOf(old: TokenRecord): TokenExpiryDto {
    return old.expiresAt === null ? {} : { ttlSeconds: Math.max(1, Math.ceil((old.expiresAt - old.createdAt) / 1000)) };
  }

  private async mint(user: VerifiedUser, password: string, spec: TokenSpecDto, context: AuditContext): Promise<CreatedTokenDto> {
    const created = this.newToken(user, password, spec, this.permissionsOf(user, spec), this.allowedIpsOf(spec));
    if (!(await this.credentialWriter.storeToken(created.record, this.policy.maxActiveTokensPerUser, context))) {
      throw new ConflictError(
        `User ${user.username} already holds the maximum of ${this.policy.maxActiveTokensPerUser} active tokens on this server; revoke one first`,
      );
    }
    return created.answer;
  }

  /** A token only narrows its user's reach: a Read-Only user cannot ask for read-write. */
  private permissionsOf(user: VerifiedUser, spec: TokenSpecDto): TokenPermissions {
    const reach = reachOf(user.role);
    const access = spec.permissions?.access ?? reach;
    if (access === 'read-write' && reach === 'read') {
      throw ValidationFailedError.forField('permissions.access', `FalkorDB user ${user.username} is Read-Only: its tokens can only have access read`);
    }
    const graphs = spec.permissions?.graphs ?? null;
    return { access, graphs: graphs === null ? null : [...new Set(graphs)] };
  }

  private allowedIpsOf(spec: TokenSpecDto): string[] | null {
    if (spec.allowedIps == null) return null;
    return [...new Set(spec.allowedIps.map((entry) => canonicalIpRange(entry) as string))];
  }

  private newToken(user: VerifiedUser, password: string, spec: TokenExpiryDto & { name: string }, permissions: TokenPermissions, allowedIps: string[] | null) {
    const now = Date.now();
    const expiresAt = resolveExpiry(spec, now, this.policy);
    const { host, port, tls } = user.server;
    const tokenId = newTokenId(now);
    const token = this.issuer.signPat(tokenId, user.userId, expiresAt);
    const record = {
      id: tokenId,
      token,
      password,
      userId: user.userId,
      username: user.username,
      name: spec.name,
      role: user.role,
      host,
      port,
      tls,
      createdAt: now,
      expiresAt,
      permissions,
      allowedIps,
    };
    const answer: CreatedTokenDto = { token, tokenId, expiresAt: isoOrNull(expiresAt) };
    return { record, answer };
  }
}
