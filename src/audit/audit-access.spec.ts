import { principalWith } from '../../test/support/principal';
import { ForbiddenError } from '../common/domain-errors';
import { assertMayFilterByUsername, auditScopeOf } from './audit-access';

describe('auditScopeOf', () => {
  it('gives an Admin every event of the server they are admin on', () => {
    expect(auditScopeOf(principalWith({ role: 'Admin' }))).toEqual({ host: 'db', port: 6379 });
  });

  it('gives anyone else only the events about themselves, on their server', () => {
    for (const role of ['Read-Write', 'Read-Only'] as const) {
      expect(auditScopeOf(principalWith({ role, host: 'other', port: 6380 }))).toEqual({ host: 'other', port: 6380, subjectUsername: 'alice' });
    }
  });
});

describe('assertMayFilterByUsername', () => {
  it('lets anyone filter by nobody or by themselves, and an Admin by anyone', () => {
    expect(() => assertMayFilterByUsername(principalWith(), undefined)).not.toThrow();
    expect(() => assertMayFilterByUsername(principalWith({ role: 'Read-Only' }), 'alice')).not.toThrow();
    expect(() => assertMayFilterByUsername(principalWith({ role: 'Admin' }), 'bob')).not.toThrow();
  });

  it("refuses a non-Admin filtering by another user's name with 403", () => {
    for (const role of ['Read-Write', 'Read-Only'] as const) {
      expect(() => assertMayFilterByUsername(principalWith({ role }), 'bob')).toThrow(new ForbiddenError("Reading another user's audit events requires the role Admin"));
    }
  });
});
