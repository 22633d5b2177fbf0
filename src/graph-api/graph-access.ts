import { ForbiddenError } from '../common/domain-errors';
import { GraphNotFoundError } from './query-errors';
import { Principal } from '../domain/principal';
import { permitsGraph } from '../domain/token-permissions';
import { ReadOnlyReason } from './graph-errors';

/*
 * What a credential may do on the Graph API beyond what FalkorDB's ACL decides for its user: pure
 * rules, applied by GraphApiService before any command is sent.
 */

/** A graph outside the credential's own `graphs` looks exactly like a missing one. */
export function assertReachable(principal: Principal, graph: string): void {
  if (!permitsGraph(principal.graphs, graph)) throw new GraphNotFoundError(graph);
}

/** Why a query must run read-only (GRAPH.RO_QUERY), if it must: a Read-Only user, a read token, or the request. */
export function readOnlyReasonOf(principal: Principal, requested: boolean): ReadOnlyReason | undefined {
  if (principal.role === 'Read-Only') return 'role';
  if (principal.access === 'read') return 'token';
  return requested ? 'request' : undefined;
}

/** A read token never deletes a graph (FalkorDB would let its user). */
export function assertMayDeleteGraphs(principal: Principal): void {
  if (principal.access === 'read') throw new ForbiddenError('This token has read access only: it may not delete graphs');
}
