import { ErrorReply } from '@redis/client';
import { DomainError, ForbiddenError } from '../common/domain-errors';
import { FalkorDbUnreachableError } from '../falkordb/falkordb-errors';
import { GraphNotFoundError, QueryRejectedError, QueryTimeoutError } from './query-errors';
import { ServerAddress } from '../falkordb/server-address';
import { isUnavailableError } from '../falkordb/store-errors';
import { DeadlineExceededError } from '../common/deadline';

/** Why a query was sent as GRAPH.RO_QUERY: decides what a write attempt is told. */
export type ReadOnlyReason = 'role' | 'token' | 'request';

export interface GraphCallContext {
  graph: string;
  server: ServerAddress;
  /** The limit the call ran under, reported when it is exceeded. */
  timeoutMs: number;
  readOnlyReason?: ReadOnlyReason;
}

const NOT_READ_ONLY = /is to be executed only on read-only queries/i;
const MISSING_GRAPH = /Invalid graph operation on empty key|^WRONGTYPE\b/i;
const TIMED_OUT = /^Query timed out/i;
const OVERLOADED = /Max pending queries exceeded/i;

function writeRefused(context: GraphCallContext): DomainError {
  switch (context.readOnlyReason) {
    case 'role':
      return new ForbiddenError(
        "This credential's FalkorDB user is Read-Only: the query writes, and only read queries (GRAPH.RO_QUERY) are allowed",
      );
    case 'token':
      return new ForbiddenError('This token has read access only: the query writes, and only read queries (GRAPH.RO_QUERY) are allowed');
    default:
      return new QueryRejectedError('The query writes, but the request asked for readOnly: true');
  }
}

/**
 * Maps what a FalkorDB call threw to the problem the client gets, keeping FalkorDB's own message:
 * NOPERM -> 403, a write under GRAPH.RO_QUERY -> 403 (or 400 when the caller asked for read-only),
 * a missing graph -> 404, a timeout -> 504, an unreachable or overloaded server -> 503, and any other
 * rejection (syntax, missing parameter, runtime error) -> 400. Never a 500.
 */
export function toGraphError(error: unknown, context: GraphCallContext): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof DeadlineExceededError) return new QueryTimeoutError(context.timeoutMs);
  if (!(error instanceof ErrorReply)) return new FalkorDbUnreachableError(context.server.host, context.server.port);
  const message = error.message;
  if (/^NOPERM\b/.test(message)) return new ForbiddenError(`FalkorDB refused this for the credential's user: ${message}`);
  if (NOT_READ_ONLY.test(message)) return writeRefused(context);
  if (MISSING_GRAPH.test(message)) return new GraphNotFoundError(context.graph);
  if (TIMED_OUT.test(message)) return new QueryTimeoutError(context.timeoutMs);
  if (isUnavailableError(error) || OVERLOADED.test(message)) return new FalkorDbUnreachableError(context.server.host, context.server.port);
  return new QueryRejectedError(message);
}
