import { Inject, Injectable, Optional } from '@nestjs/common';
import { FalkorDbLoginService, VerifiedUser } from '../auth/falkordb-login.service';
import { JwtIssuer } from '../auth/jwt-issuer';
import { Principal } from '../auth/principal';
import { CredentialStore } from '../credentials/credential-store';
import { TokenRecord, TokenScope, TokenState } from '../credentials/store/token.record';
import { ConflictError, NotFoundError } from '../common/domain-errors';
import { UserConnectionPool } from '../graph/user-connection-pool';
import { isoOrNull } from '../common/iso-time';
import { CreateTokenWithCredentialsDto } from './dto/create-token-with-credentials.dto';
import { CreatedTokenDto } from './dto/created-token.dto';
import { RevokedTokenDto, TokenDetailDto, TokenListDto } from './dto/token-metadata.dto';
import { TokenSpecDto } from './dto/token-spec.dto';
import { resolveExpiry } from './token-expiry';
import { newTokenId } from './token-id';
import { toDetail, toMetadata } from './token-view';
import { TOKENS_MODULE_OPTIONS } from './tokens.module-definition';
import { TokenPolicy, tokenPolicyOf, TokensModuleOptions } from './tokens.options';

/** Admins see every token of the server they are admin on; everyone else only their own. */
function scopeOf(principal: Principal): TokenScope {
  return principal.role === 'Admin'
    ? { host: principal.host, port: principal.port }
    : { host: principal.host, port: principal.port, username: principal.username };
}

function mayAccess(principal: Principal, record: TokenRecord): boolean {
  const scope = scopeOf(principal);
  return record.host === scope.host && record.port === scope.port && (scope.username === undefined || record.username === scope.username);
}

/**
 * Generate, list, get and revoke Personal Access Tokens: what the HTTP API does, callable from a
 * host application's own code too (exported by TokensModule).
 */
@Injectable()
export class TokensService {
  private readonly policy: TokenPolicy;

  constructor(
    @Inject(TOKENS_MODULE_OPTIONS) options: TokensModuleOptions,
    private readonly credentials: CredentialStore,
    private readonly login: FalkorDbLoginService,
    private readonly issuer: JwtIssuer,
    @Optional() private readonly pool?: UserConnectionPool,
  ) {
    this.policy = tokenPolicyOf(options);
  }

  /**
   * For API/CLI users: FalkorDB credentials in, token out. `clientAddress` is where the attempt
   * came from (failed attempts are counted per address and per username).
   */
  async createWithCredentials(body: CreateTokenWithCredentialsDto, clientAddress: string): Promise<CreatedTokenDto> {
    // Validate the cheap things before opening a connection to FalkorDB.
    resolveExpiry(body, Date.now(), this.policy);
    const user = await this.login.login(body, clientAddress);
    return this.mint(user, body.password, body);
  }

  /**
   * For an authenticated caller (a browser session, or a host's own code acting for a principal):
   * no credentials needed. The stored password of the caller's credential is checked with FalkorDB
   * again, and the role read afresh, so a new token never carries a password FalkorDB has since
   * refused nor a role the ACL no longer gives.
   */
  async createForPrincipal(principal: Principal, spec: TokenSpecDto): Promise<CreatedTokenDto> {
    resolveExpiry(spec, Date.now(), this.policy);
    const { user, password } = await this.login.reverify(principal);
    return this.mint(user, password, spec);
  }

  /** The caller's tokens (every token of the server for admins) in `state`, newest first. */
  async list(principal: Principal, state: TokenState = 'active'): Promise<TokenListDto> {
    const records = await this.credentials.listTokens(scopeOf(principal), state, Date.now());
    return { tokens: records.map(toMetadata), count: records.length, role: principal.role };
  }

  async get(principal: Principal, tokenId: string): Promise<TokenDetailDto> {
    return toDetail(await this.findVisible(principal, tokenId), Date.now());
  }

  async revoke(principal: Principal, tokenId: string): Promise<RevokedTokenDto> {
    await this.findVisible(principal, tokenId);
    await this.credentials.revoke({ kind: 'pat', id: tokenId }, Date.now());
    // Its FalkorDB connection (Graph API) closes now, not when it next idles out.
    this.pool?.evict(tokenId);
    return { message: 'Token revoked successfully', tokenId };
  }

  /** Same 404 for "does not exist" and "not yours": no existence oracle. */
  private async findVisible(principal: Principal, tokenId: string): Promise<TokenRecord> {
    const record = await this.credentials.findToken(tokenId);
    if (!record || !mayAccess(principal, record)) throw new NotFoundError(`Token ${tokenId} not found`);
    return record;
  }

  private async mint(user: VerifiedUser, password: string, spec: TokenSpecDto): Promise<CreatedTokenDto> {
    const now = Date.now();
    const expiresAt = resolveExpiry(spec, now, this.policy);
    const { host, port, tls } = user.server;
    const tokenId = newTokenId(now);
    const token = this.issuer.signPat(tokenId, user.userId, expiresAt);
    const stored = await this.credentials.storeToken(
      {
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
      },
      this.policy.maxActiveTokensPerUser,
    );
    if (!stored) {
      throw new ConflictError(
        `User ${user.username} already holds the maximum of ${this.policy.maxActiveTokensPerUser} active tokens on this server; revoke one first`,
      );
    }
    return { token, tokenId, expiresAt: isoOrNull(expiresAt) };
  }
}
