import { Principal } from '../domain/principal';
import { TooManyQueriesError } from './query-errors';

export interface QueryAdmissionLimits {
  /** Requests of one credential waiting on or running on its connection. */
  maxQueuedPerCredential: number;
  /** Connections of one user (one per token or session) running FalkorDB work at once. */
  maxBusyConnectionsPerUser: number;
  /** Connections of everyone running FalkorDB work at once (keep it below FalkorDB's thread count). */
  maxBusyConnections: number;
}

/** One admitted request: the moment its time limit ends (epoch ms). */
interface Admitted {
  deadline: number;
}

interface Busy {
  admitted: Set<Admitted>;
  userId: string;
}

/**
 * Bounds of the Retry-After sent while a credential's connection is held by an overdue query.
 * Nothing tells when FalkorDB will finish it, so the client is asked to wait as long as the query
 * has already overrun (the longer it is stuck, the longer the wait), but at most 30 s so a client
 * does not sit idle long after it finished.
 */
const MIN_OVERDUE_RETRY_AFTER_SECONDS = 1;
const MAX_OVERDUE_RETRY_AFTER_SECONDS = 30;

/**
 * Admission for Graph API work. A credential's connection runs one FalkorDB command at a time (the
 * rest wait on it), so what loads FalkorDB is the number of busy connections: capped per user and
 * in total, below FalkorDB's thread count, so authentication always finds a thread. A slot is held
 * until FalkorDB answers, not until the client is answered: a query that timed out for the client
 * still counts while it runs. Past a cap the request is refused at once with 429, and so is a
 * request whose connection is held by a query already past its time limit: it would only wait for
 * its own 504.
 */
export class QueryAdmission {
  private readonly busy = new Map<string, Busy>();
  private readonly busyByUser = new Map<string, number>();

  constructor(
    private readonly limits: QueryAdmissionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes a slot for a request with a time limit of `timeoutMs`, or throws TooManyQueriesError; the
   * returned function gives the slot back (once).
   */
  admit(principal: Pick<Principal, 'credentialId' | 'userId'>, timeoutMs: number): () => void {
    const now = this.now();
    const admitted: Admitted = { deadline: now + timeoutMs };
    const current = this.busy.get(principal.credentialId);
    if (current) {
      const overdueSince = this.earliestOverdueDeadline(current, now);
      if (overdueSince !== undefined) throw new TooManyQueriesError('overdue', overdueRetryAfterSeconds(now - overdueSince));
      if (current.admitted.size >= this.limits.maxQueuedPerCredential) throw new TooManyQueriesError('credential');
      current.admitted.add(admitted);
    } else {
      if ((this.busyByUser.get(principal.userId) ?? 0) >= this.limits.maxBusyConnectionsPerUser) throw new TooManyQueriesError('user');
      if (this.busy.size >= this.limits.maxBusyConnections) throw new TooManyQueriesError('service');
      this.busy.set(principal.credentialId, { admitted: new Set([admitted]), userId: principal.userId });
      this.busyByUser.set(principal.userId, (this.busyByUser.get(principal.userId) ?? 0) + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(principal.credentialId, admitted);
    };
  }

  /** The deadline of the credential's longest-overdue request still in flight, if any is past its limit. */
  private earliestOverdueDeadline(entry: Busy, now: number): number | undefined {
    let earliest: number | undefined;
    for (const { deadline } of entry.admitted) {
      if (deadline <= now && (earliest === undefined || deadline < earliest)) earliest = deadline;
    }
    return earliest;
  }

  private release(credentialId: string, admitted: Admitted): void {
    const entry = this.busy.get(credentialId);
    if (!entry) return;
    entry.admitted.delete(admitted);
    if (entry.admitted.size > 0) return;
    this.busy.delete(credentialId);
    const left = (this.busyByUser.get(entry.userId) ?? 1) - 1;
    if (left > 0) this.busyByUser.set(entry.userId, left);
    else this.busyByUser.delete(entry.userId);
  }
}

function overdueRetryAfterSeconds(overdueMs: number): number {
  return Math.min(MAX_OVERDUE_RETRY_AFTER_SECONDS, Math.max(MIN_OVERDUE_RETRY_AFTER_SECONDS, Math.ceil(overdueMs / 1000)));
}
