import { Principal } from '../auth/principal';
import { TooManyQueriesError } from '../common/domain-errors';

export interface QueryAdmissionLimits {
  /** Requests of one credential waiting on or running on its connection. */
  maxQueuedPerCredential: number;
  /** Connections of one user (one per token or session) running FalkorDB work at once. */
  maxBusyConnectionsPerUser: number;
  /** Connections of everyone running FalkorDB work at once (keep it below FalkorDB's thread count). */
  maxBusyConnections: number;
}

interface Busy {
  requests: number;
  userId: string;
}

/**
 * Admission for Graph API work. A credential's connection runs one FalkorDB command at a time (the
 * rest wait on it), so what loads FalkorDB is the number of busy connections: capped per user and
 * in total, below FalkorDB's thread count, so authentication always finds a thread. A slot is held
 * until FalkorDB answers, not until the client is answered: a query that timed out for the client
 * still counts while it runs. Past a cap the request is refused at once with 429.
 */
export class QueryAdmission {
  private readonly busy = new Map<string, Busy>();
  private readonly busyByUser = new Map<string, number>();

  constructor(private readonly limits: QueryAdmissionLimits) {}

  /** Takes a slot or throws TooManyQueriesError; the returned function gives it back (once). */
  admit(principal: Pick<Principal, 'credentialId' | 'userId'>): () => void {
    const current = this.busy.get(principal.credentialId);
    if (current) {
      if (current.requests >= this.limits.maxQueuedPerCredential) throw new TooManyQueriesError('credential');
      current.requests += 1;
    } else {
      if ((this.busyByUser.get(principal.userId) ?? 0) >= this.limits.maxBusyConnectionsPerUser) throw new TooManyQueriesError('user');
      if (this.busy.size >= this.limits.maxBusyConnections) throw new TooManyQueriesError('service');
      this.busy.set(principal.credentialId, { requests: 1, userId: principal.userId });
      this.busyByUser.set(principal.userId, (this.busyByUser.get(principal.userId) ?? 0) + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(principal.credentialId);
    };
  }

  private release(credentialId: string): void {
    const entry = this.busy.get(credentialId);
    if (!entry) return;
    entry.requests -= 1;
    if (entry.requests > 0) return;
    this.busy.delete(credentialId);
    const left = (this.busyByUser.get(entry.userId) ?? 1) - 1;
    if (left > 0) this.busyByUser.set(entry.userId, left);
    else this.busyByUser.delete(entry.userId);
  }
}
