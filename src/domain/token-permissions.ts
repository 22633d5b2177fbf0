import { Role } from './role';

export const ACCESS_LEVELS = ['read', 'read-write'] as const;
/** What a token may do on its user's graphs: only read (GRAPH.RO_QUERY), or what the user may. */
export type Access = (typeof ACCESS_LEVELS)[number];

/** A token's own narrowing of its FalkorDB user's reach. */
export interface TokenPermissions {
  access: Access;
  /** Graph names or prefixes ending in `*`; null = every graph the user reaches. */
  graphs: string[] | null;
}

/** The widest access a user's role allows: what a token gets when it asks for nothing narrower. */
export function reachOf(role: Role): Access {
  return role === 'Read-Only' ? 'read' : 'read-write';
}

/** Whether a token limited to `graphs` may reach `graph` (an exact name, or a prefix pattern `sales_*`). */
export function permitsGraph(graphs: readonly string[] | null, graph: string): boolean {
  if (graphs === null) return true;
  return graphs.some((pattern) => (pattern.endsWith('*') ? graph.startsWith(pattern.slice(0, -1)) : graph === pattern));
}

/** Why a token stopped being active. */
export const REVOCATION_REASONS = ['owner', 'admin', 'rotated', 'reuse_detected', 'leaked', 'bulk', 'unused'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];
