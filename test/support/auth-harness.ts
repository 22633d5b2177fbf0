import { Type } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { AuthModule } from '../../src/auth/auth.module';
import { AuthModuleOptions } from '../../src/auth/auth.options';
import { JwtIssuer } from '../../src/auth/jwt-issuer';
import { Role } from '../../src/domain/role';
import { CredentialWriter } from '../../src/credentials/credential-writer';
import { NewToken } from '../../src/credentials/credential-inputs';
import { userIdOf } from '../../src/auth/user-id';
import { FalkorDbModule } from '../../src/falkordb/falkordb.module';
import { newTokenId } from '../../src/tokens/token-id';
import { reachOf } from '../../src/domain/token-permissions';
import { FalkorDbTestServer } from './falkordb-test-server';

export interface HarnessUser {
  username: string;
  password: string;
  role: Role;
}

const HOUR = 3600_000;

/**
 * FalkorDbModule + AuthModule on a real FalkorDB, for unit tests of the auth pieces, with helpers that
 * store a PAT or a session exactly as TokensService and SessionService do.
 */
export class AuthHarness {
  private constructor(
    readonly server: FalkorDbTestServer,
    readonly moduleRef: TestingModule,
    readonly user: HarnessUser,
    private readonly tokenGraph: string,
    private readonly encryptionKey: string,
    /** False for another instance on a server some other harness started (and stops). */
    private readonly ownsServer: boolean,
  ) {}

  static async start(tokenGraph: string, user: HarnessUser, encryptionKey: string, auth: Partial<AuthModuleOptions> = {}): Promise<AuthHarness> {
    const server = await FalkorDbTestServer.start();
    return AuthHarness.open(server, server.url, tokenGraph, user, encryptionKey, auth, true);
  }

  /**
   * A second service instance (its own modules, memory included) on this harness's FalkorDB and
   * token graph; `url` connects it as another service user (e.g. one with fewer rights).
   */
  anotherInstance(auth: Partial<AuthModuleOptions> = {}, url = this.server.url): Promise<AuthHarness> {
    return AuthHarness.open(this.server, url, this.tokenGraph, this.user, this.encryptionKey, auth, false);
  }

  private static async open(
    server: FalkorDbTestServer,
    url: string,
    tokenGraph: string,
    user: HarnessUser,
    encryptionKey: string,
    auth: Partial<AuthModuleOptions>,
    ownsServer: boolean,
  ): Promise<AuthHarness> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        FalkorDbModule.forRoot({ url, tokenGraph }),
        AuthModule.forRoot({
          jwtSecret: 'unit-jwt-secret-Qm9tR2xkY1ZxWjNrTnBvSg',
          sessionSecret: 'unit-session-secret-a2V5VmFsdWVGb3JUZXN0',
          encryptionKey,
          ...auth,
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    return new AuthHarness(server, moduleRef, user, tokenGraph, encryptionKey, ownsServer);
  }

  get<T>(type: Type<T>): T {
    return this.moduleRef.get(type);
  }

  get userId(): string {
    return userIdOf(this.user.username, 'localhost', this.server.port);
  }

  /** Signs a PAT and stores its record, as TokensService does (no cap). */
  async storePat(expiresAt: number | null = null, now = Date.now()): Promise<{ tokenId: string; token: string }> {
    const stored = await this.tryStorePat(expiresAt, now, Number.MAX_SAFE_INTEGER);
    if (!stored) throw new Error('the test token was not stored');
    return stored;
  }

  /** As storePat, within a per-user cap: undefined when the cap refused it. */
  async tryStorePat(expiresAt: number | null, now: number, cap: number): Promise<{ tokenId: string; token: string } | undefined> {
    const pat = this.newPat(expiresAt, now);
    const stored = await this.get(CredentialWriter).storeToken(pat, cap);
    return stored ? { tokenId: pat.id, token: pat.token } : undefined;
  }

  /** Replaces the active token `oldId` by a new one, as TokensService's rotation does (no expiry). */
  async rotatePat(oldId: string, now = Date.now()): Promise<{ tokenId: string; token: string }> {
    const pat = this.newPat(null, now);
    if (!(await this.get(CredentialWriter).rotateToken(oldId, pat, now, this.user.username))) throw new Error(`token ${oldId} was not rotated`);
    return { tokenId: pat.id, token: pat.token };
  }

  private newPat(expiresAt: number | null, now: number): NewToken {
    const tokenId = newTokenId(now);
    return {
      ...this.owner(now),
      id: tokenId,
      token: this.get(JwtIssuer).signPat(tokenId, this.userId, expiresAt),
      password: this.user.password,
      name: 'unit test token',
      expiresAt,
      permissions: { access: reachOf(this.user.role), graphs: null },
      allowedIps: null,
    };
  }

  /** Signs a session token and stores its record, as SessionService does. */
  async storeSession(expiresAt = Date.now() + HOUR, now = Date.now()): Promise<{ sessionId: string; token: string }> {
    const sessionId = `s-${newTokenId(now)}`;
    const token = this.get(JwtIssuer).signSession(sessionId, this.userId, expiresAt);
    await this.get(CredentialWriter).storeSession({ ...this.owner(now), id: sessionId, token, password: this.user.password, expiresAt });
    return { sessionId, token };
  }

  async close(): Promise<void> {
    await this.moduleRef.close();
    if (this.ownsServer) await this.server.destroy();
  }

  private owner(now: number) {
    return {
      userId: this.userId,
      username: this.user.username,
      role: this.user.role,
      host: 'localhost',
      port: this.server.port,
      tls: false,
      createdAt: now,
    };
  }
}
