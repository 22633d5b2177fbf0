import { TooManyQueriesError } from './query-errors';
import { QueryAdmission, QueryAdmissionLimits } from './query-admission';

const caller = (credentialId: string, userId = 'user-a') => ({ credentialId, userId });

/** An admission on a clock the test moves by hand. */
function admissionAt(limits: QueryAdmissionLimits, start = 1_000_000) {
  let now = start;
  const admission = new QueryAdmission(limits, () => now);
  return { admission, advance: (ms: number) => (now += ms) };
}

const ROOMY: QueryAdmissionLimits = { maxQueuedPerCredential: 5, maxBusyConnectionsPerUser: 2, maxBusyConnections: 4 };

describe('QueryAdmission', () => {
  it("queues a credential's requests on its one busy connection, up to its limit", () => {
    const { admission } = admissionAt({ maxQueuedPerCredential: 2, maxBusyConnectionsPerUser: 1, maxBusyConnections: 1 });
    const first = admission.admit(caller('t1'), 1000);
    admission.admit(caller('t1'), 1000);
    expect(() => admission.admit(caller('t1'), 1000)).toThrow(new TooManyQueriesError('credential'));
    first();
    expect(() => admission.admit(caller('t1'), 1000)).not.toThrow();
  });

  it('limits busy connections per user and in total, and frees a slot only once', () => {
    const { admission } = admissionAt({ maxQueuedPerCredential: 5, maxBusyConnectionsPerUser: 2, maxBusyConnections: 3 });
    const a1 = admission.admit(caller('a1'), 1000);
    admission.admit(caller('a2'), 1000);
    expect(() => admission.admit(caller('a3'), 1000)).toThrow(new TooManyQueriesError('user'));
    admission.admit(caller('b1', 'user-b'), 1000);
    expect(() => admission.admit(caller('c1', 'user-c'), 1000)).toThrow(new TooManyQueriesError('service'));
    a1();
    a1(); // a second release of the same slot changes nothing
    admission.admit(caller('c1', 'user-c'), 1000);
    expect(() => admission.admit(caller('d1', 'user-d'), 1000)).toThrow(new TooManyQueriesError('service'));
  });

  it('tells the client when to retry', () => {
    const error = new TooManyQueriesError('service');
    expect(error.getStatus()).toBe(429);
    expect(error.headers).toEqual({ 'Retry-After': '1' });
  });

  describe('a credential whose connection is held by a query past its time limit', () => {
    it('queues a request behind a query still within its limit', () => {
      const { admission, advance } = admissionAt(ROOMY);
      admission.admit(caller('t1'), 1000);
      advance(999);
      expect(() => admission.admit(caller('t1'), 1000)).not.toThrow();
    });

    it('refuses a request at once with 429 and Retry-After once the running query is past its limit', () => {
      const { admission, advance } = admissionAt(ROOMY);
      admission.admit(caller('t1'), 1000);
      advance(1000);
      const refusal = refusalOf(() => admission.admit(caller('t1'), 60_000));
      expect(refusal).toMatchObject({ scope: 'overdue', retryAfterSeconds: 1 });
      expect(refusal.getStatus()).toBe(429);
      expect(refusal.problem).toMatchObject({ code: 'TOO_MANY_QUERIES', detail: expect.stringMatching(/past its time limit/) });
      expect(refusal.headers).toEqual({ 'Retry-After': '1' });
    });

    it('refuses once a request queued behind it passes its own limit too, since it still holds the connection', () => {
      const { admission, advance } = admissionAt(ROOMY);
      admission.admit(caller('t1'), 60_000);
      admission.admit(caller('t1'), 100);
      advance(100);
      expect(refusalOf(() => admission.admit(caller('t1'), 1000)).scope).toBe('overdue');
    });

    it('asks for a longer wait the longer the query has overrun, within bounds', () => {
      const { admission, advance } = admissionAt(ROOMY);
      admission.admit(caller('t1'), 1000);
      advance(1000 + 7_500);
      expect(refusalOf(() => admission.admit(caller('t1'), 1000)).headers).toEqual({ 'Retry-After': '8' });
      advance(3_600_000);
      expect(refusalOf(() => admission.admit(caller('t1'), 1000)).headers).toEqual({ 'Retry-After': '30' });
    });

    it('admits the credential again once the overdue query is released', () => {
      const { admission, advance } = admissionAt(ROOMY);
      const overdue = admission.admit(caller('t1'), 1000);
      const withinLimit = admission.admit(caller('t1'), 60_000);
      advance(5000);
      expect(() => admission.admit(caller('t1'), 1000)).toThrow(TooManyQueriesError);
      overdue();
      // Only a query within its limit holds the connection now: the request queues behind it.
      expect(() => admission.admit(caller('t1'), 1000)).not.toThrow();
      withinLimit();
    });

    it('leaves other credentials, of the same user or another, unaffected', () => {
      const { admission, advance } = admissionAt(ROOMY);
      admission.admit(caller('t1'), 1000);
      advance(5000);
      expect(() => admission.admit(caller('t1'), 1000)).toThrow(TooManyQueriesError);
      expect(() => admission.admit(caller('t2'), 1000)).not.toThrow();
      expect(() => admission.admit(caller('t3', 'user-b'), 1000)).not.toThrow();
      expect(() => admission.admit(caller('t3', 'user-b'), 1000)).not.toThrow();
    });
  });
});

function refusalOf(admit: () => unknown): TooManyQueriesError {
  try {
    admit();
  } catch (error) {
    if (error instanceof TooManyQueriesError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused with TooManyQueriesError');
}
