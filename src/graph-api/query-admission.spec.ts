import { TooManyQueriesError } from '../common/domain-errors';
import { QueryAdmission } from './query-admission';

const caller = (credentialId: string, userId = 'user-a') => ({ credentialId, userId });

describe('QueryAdmission', () => {
  it('queues a credential\'s requests on its one busy connection, up to its limit', () => {
    const admission = new QueryAdmission({ maxQueuedPerCredential: 2, maxBusyConnectionsPerUser: 1, maxBusyConnections: 1 });
    const first = admission.admit(caller('t1'));
    admission.admit(caller('t1'));
    expect(() => admission.admit(caller('t1'))).toThrow(new TooManyQueriesError('credential'));
    first();
    expect(() => admission.admit(caller('t1'))).not.toThrow();
  });

  it('limits busy connections per user and in total, and frees a slot only once', () => {
    const admission = new QueryAdmission({ maxQueuedPerCredential: 5, maxBusyConnectionsPerUser: 2, maxBusyConnections: 3 });
    const a1 = admission.admit(caller('a1'));
    admission.admit(caller('a2'));
    expect(() => admission.admit(caller('a3'))).toThrow(new TooManyQueriesError('user'));
    admission.admit(caller('b1', 'user-b'));
    expect(() => admission.admit(caller('c1', 'user-c'))).toThrow(new TooManyQueriesError('service'));
    a1();
    a1(); // a second release of the same slot changes nothing
    admission.admit(caller('c1', 'user-c'));
    expect(() => admission.admit(caller('d1', 'user-d'))).toThrow(new TooManyQueriesError('service'));
  });

  it('tells the client when to retry', () => {
    const error = new TooManyQueriesError('service');
    expect(error.getStatus()).toBe(429);
    expect(error.headers).toEqual({ 'Retry-After': '1' });
  });
});
