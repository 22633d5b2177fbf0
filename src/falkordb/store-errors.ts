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
  // another realm (a vm context, as under some test runners) they fail `instanceof Error`, but are still errors.
  return error instanceof Error || types.isNativeError(error);
}

/** A demoted primary still answering: writes there are refused with READONLY. */
export const isReadOnlyReply = (error: unknown): boolean => error instanceof Error && /^READONLY\b/.test(error.message);

/**
 * What is wrong with the store graph's key, by FalkorDB's answer: `missing` (reads of a graph that
 * does not exist fail with "empty key": deleted or flushed), `not-a-graph` (WRONGTYPE: the key was
 * replaced by something else), or undefined for any other error.
 */
export function storeGraphFault(error: unknown): 'missing' | 'not-a-graph' | undefined {
  const message = error instanceof Error ? error.message : '';
  if (/empty key/i.test(message)) return 'missing';
  if (/^WRONGTYPE\b/.test(message)) return 'not-a-graph';
  return undefined;
}
