import { HttpException } from '@nestjs/common';
import { GraphQueryOutcome } from '../metrics/pat-metrics';

/** The metrics outcome of a Graph API command that failed, from the status it answers. */
export function graphQueryOutcomeOf(error: unknown): GraphQueryOutcome {
  const status = error instanceof HttpException ? error.getStatus() : 500;
  if (status === 403) return 'forbidden';
  if (status === 504) return 'timeout';
  // Not run: too many at once (the caller's queue, the server's busy connections), or FalkorDB unreachable.
  if (status === 429 || status === 503) return 'refused';
  if (status >= 400 && status < 500) return 'client_error';
  return 'error';
}
