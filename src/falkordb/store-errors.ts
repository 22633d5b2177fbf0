import { types } from 'node:util';
import { ErrorReply } from '@redis/client';

/** Server replies that mean "not now" rather than "wrong command". */
const TRANSIENT_REPLY = /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN)\b/;

/**
 * True when an error means the server could not be reached or is not ready (connection refused,
 * closed, timed out, still loading), as opposed to a reply rejecting the command itself.
 */
export function isUnavailableError(error: unknown): boolean {
  if (error instanceof ErrorReply) return TRANSIENT_REPLY.test(error.message);
  // Socket errors (ECONNRESET, ECONNREFUSED) are made by Node itself: where the service runs in
  // another realm (a vm context, as under Jest) they fail `instanceof Error`, but are still errors.
  return error instanceof Error || types.isNativeError(error);
}
