import { ForbiddenError } from '../common/domain-errors';
import { principalWith } from '../../test/support/principal';
import { assertMayChange, assertMayList, assertMayRevokeAll, isRestricted, mayAccess, scopeOf } from './token-access';

const caller = principalWith;

const record = (overrides: Partial<{ host: string; port: number; username: string }> = {}) => ({ host: 'db', port: 6379, username: 'alice', ...overrides });

describe('token access policy', () => {
  it('scopes admins to their server and everyone else to their own tokens', () => {
    expect(scopeOf(caller())).toEqual({ host: 'db', port: 6379, username: 'alice' });
    expect(scopeOf(caller({ role: 'Admin' }))).toEqual({ host: 'db', port: 6379 });
    expect(mayAccess(caller(), record())).toBe(true);
    expect(mayAccess(caller(), record({ username: 'bob' }))).toBe(false);
    expect(mayAccess(caller({ role: 'Admin' }), record({ username: 'bob' }))).toBe(true);
    // Admin reach ends at the admin's own server.
    expect(mayAccess(caller({ role: 'Admin' }), record({ port: 6380 }))).toBe(false);
    expect(mayAccess(caller({ role: 'Admin' }), record({ host: 'other' }))).toBe(false);
  });

  it.each([
    ['read access', { access: 'read' as const }],
    ['graphs', { graphs: ['sales_*'] }],
    ['allowed IPs', { allowedIps: ['10.0.0.0/8'] }],
    ['graphs, as an admin', { graphs: ['sales_*'], role: 'Admin' as const }],
  ])('lets a token restricted by %s change only itself', (_what, restriction) => {
    const restricted = caller(restriction);
    expect(isRestricted(restricted)).toBe(true);
    expect(() => assertMayChange(restricted, restricted.credentialId, 'rotate')).not.toThrow();
    expect(() => assertMayChange(restricted, '1761055513181-bbbbbbbb', 'rotate')).toThrow(ForbiddenError);
    expect(() => assertMayRevokeAll(restricted, 'alice')).toThrow(/restricted token/);
  });

  it('lets sessions and unrestricted tokens change other tokens, a session even with its user\'s read reach', () => {
    for (const principal of [caller(), caller({ kind: 'session' }), caller({ kind: 'session', access: 'read', role: 'Read-Only' })]) {
      expect(isRestricted(principal)).toBe(false);
      expect(() => assertMayChange(principal, '1761055513181-bbbbbbbb', 'revoke')).not.toThrow();
      expect(() => assertMayRevokeAll(principal, 'alice')).not.toThrow();
    }
  });

  it('needs Admin to list or revoke another user\'s tokens', () => {
    expect(() => assertMayList(caller(), undefined)).not.toThrow();
    expect(() => assertMayList(caller(), 'alice')).not.toThrow();
    expect(() => assertMayList(caller(), 'bob')).toThrow(/requires the role Admin/);
    expect(() => assertMayList(caller({ role: 'Admin' }), 'bob')).not.toThrow();
    expect(() => assertMayRevokeAll(caller(), 'bob')).toThrow(/requires the role Admin/);
    expect(() => assertMayRevokeAll(caller({ role: 'Admin' }), 'bob')).not.toThrow();
  });
});
