import { Injectable } from '@nestjs/common';
import { Principal } from '../domain/principal';
import { ServerIdentity } from '../auth/server-identity';
import { ForbiddenError } from '../common/domain-errors';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';

/**
 * The graph this service keeps tokens and sessions in. It holds token hashes and sealed passwords,
 * which the contract says are never returned anywhere, so through the Graph API nobody queries,
 * writes or deletes it; admins of its server see it listed and may read its schema and plans.
 */
@Injectable()
export class TokenStoreGraph {
  constructor(
    private readonly store: FalkorDbConnection,
    private readonly servers: ServerIdentity,
  ) {}

  /**
   * Whether `graph` on the caller's server is the token store: the server is compared by what it
   * is (ServerIdentity), not by how the caller spelled it; a same-named graph elsewhere is not.
   */
  is(principal: Principal, graph: string): boolean {
    return graph === this.store.tokenGraph && this.servers.isStoreServer(principal);
  }

  isVisibleTo(principal: Principal, graph: string): boolean {
    return principal.role === 'Admin' || !this.is(principal, graph);
  }

  /** Schema and execution plans: names and operators only, never stored values. */
  assertInspectable(principal: Principal, graph: string): void {
    if (!this.isVisibleTo(principal, graph)) {
      throw new ForbiddenError(`Graph "${graph}" holds this service's tokens: only admins of this server may inspect it`);
    }
  }

  assertQueryable(principal: Principal, graph: string): void {
    if (this.is(principal, graph)) {
      throw new ForbiddenError(
        `Graph "${graph}" holds this service's tokens (hashes and sealed passwords) and cannot be queried through this API: use /api/auth/tokens`,
      );
    }
  }

  assertDeletable(principal: Principal, graph: string): void {
    if (this.is(principal, graph)) {
      throw new ForbiddenError(`Graph "${graph}" holds this service's tokens and cannot be deleted through this API`);
    }
  }
}
