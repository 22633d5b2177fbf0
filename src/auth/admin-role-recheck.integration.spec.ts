import type { MockInstance } from 'vitest';
import { AuthHarness } from '../../test/support/auth-harness';
import { fakeDateOnly } from '../../test/support/clock';
import { InvalidTokenError } from '../credentials/credential-errors';
import { ADMIN_RECHECK_INTERVAL_MS, AdminRoleRecheck } from './admin-role-recheck';
import { FalkorDbLoginService } from './falkordb-login.service';
import { Principal } from '../domain/principal';

const ADMIN = { username: 'pat_demotable', password: 'demotable-secret-pw', role: 'Admin' } as const;
/** Everything the node-redis client sends while connecting, and nothing else. */
const CONNECT_ONLY = ['+hello', '+client', '+ping'];

describe('AdminRoleRecheck (real FalkorDB ACL)', () => {
  let harness: AuthHarness;
  let recheck: AdminRoleRecheck;
  let roleOf: MockInstance;

  const setAcl = (...rules: string[]) => harness.server.command(['ACL', 'SETUSER', ADMIN.username, ...rules]);
  const makeAdmin = () => setAcl('reset', 'on', `>${ADMIN.password}`, '~*', '&*', '+@all');

  async function adminPrincipal(): Promise<Principal> {
    const { tokenId } = await harness.storePat();
    return { kind: 'pat', credentialId: tokenId, userId: harness.userId, username: ADMIN.username, host: 'localhost', port: harness.server.port, tls: false, role: 'Admin', access: 'read-write', graphs: null, allowedIps: null, expiresAt: null };
  }

  beforeAll(async () => {
    harness = await AuthHarness.start('unit_admin_recheck', ADMIN, '6f'.repeat(32));
    recheck = harness.get(AdminRoleRecheck);
    // Spied, not replaced: every check still runs against the real server.
    roleOf = vi.spyOn(harness.get(FalkorDbLoginService), 'roleOf');
  });

  beforeEach(async () => {
    await makeAdmin();
    roleOf.mockClear();
  });

  afterEach(() => vi.useRealTimers());

  afterAll(async () => {
    await harness?.close();
  });

  it('confirms a current admin once, then trusts it for the interval', async () => {
    fakeDateOnly();
    const principal = await adminPrincipal();
    await expect(recheck.currentRole(principal)).resolves.toBe('Admin');
    await expect(recheck.currentRole(principal)).resolves.toBe('Admin');
    expect(roleOf).toHaveBeenCalledTimes(1);
  });

  it('drops Admin once the ACL no longer grants it, within the interval', async () => {
    fakeDateOnly();
    const start = Date.now();
    const principal = await adminPrincipal();
    await expect(recheck.currentRole(principal)).resolves.toBe('Admin');

    await setAcl('-@admin');
    vi.setSystemTime(start + ADMIN_RECHECK_INTERVAL_MS - 1);
    await expect(recheck.currentRole(principal)).resolves.toBe('Admin');
    vi.setSystemTime(start + ADMIN_RECHECK_INTERVAL_MS);
    await expect(recheck.currentRole(principal)).resolves.toBe('Read-Write');
    expect(roleOf).toHaveBeenCalledTimes(2);
  });

  it('reads Read-Only for a demoted admin left with GRAPH.RO_QUERY only, and Read-Only for one left with no graph command', async () => {
    await setAcl('-@all', ...CONNECT_ONLY, '+graph.ro_query');
    await expect(recheck.currentRole(await adminPrincipal())).resolves.toBe('Read-Only');
    await setAcl('-@all', ...CONNECT_ONLY);
    await expect(recheck.currentRole(await adminPrincipal())).resolves.toBe('Read-Only');
  });

  it('runs one check for concurrent requests of one credential', async () => {
    const principal = await adminPrincipal();
    const roles = await Promise.all(Array.from({ length: 8 }, () => recheck.currentRole(principal)));
    expect(roles).toEqual(Array(8).fill('Admin'));
    expect(roleOf).toHaveBeenCalledTimes(1);
  });

  it('takes the other roles as recorded, without asking FalkorDB', async () => {
    const principal = await adminPrincipal();
    await expect(recheck.currentRole({ ...principal, role: 'Read-Write' })).resolves.toBe('Read-Write');
    await expect(recheck.currentRole({ ...principal, role: 'Read-Only' })).resolves.toBe('Read-Only');
    expect(roleOf).not.toHaveBeenCalled();
  });

  it('refuses the credential when FalkorDB no longer accepts its password, and does not remember the failure', async () => {
    const principal = await adminPrincipal();
    await setAcl('resetpass', '>another-password-now');
    await expect(recheck.currentRole(principal)).rejects.toThrow(new InvalidTokenError(
      'FalkorDB no longer accepts the password stored with this credential (it was changed, or the user removed): create a new token',
    ));
    await makeAdmin();
    await expect(recheck.currentRole(principal)).resolves.toBe('Admin');
    expect(roleOf).toHaveBeenCalledTimes(2);
  });

  it('refuses a credential that no longer exists', async () => {
    const principal = await adminPrincipal();
    await expect(recheck.currentRole({ ...principal, credentialId: '1700000000000-00000000' })).rejects.toThrow(InvalidTokenError);
    expect(roleOf).not.toHaveBeenCalled();
  });

  describe('shared by instances (through FalkorDB)', () => {
    let other: AuthHarness;
    let instanceOnly: AuthHarness;
    let otherRecheck: AdminRoleRecheck;
    let otherRoleOf: MockInstance;

    beforeAll(async () => {
      other = await harness.anotherInstance();
      instanceOnly = await harness.anotherInstance({ sharedState: 'instance' });
      otherRecheck = other.get(AdminRoleRecheck);
      otherRoleOf = vi.spyOn(other.get(FalkorDbLoginService), 'roleOf');
    });

    beforeEach(() => {
      otherRoleOf.mockClear();
    });

    afterAll(async () => {
      await instanceOnly?.close();
      await other?.close();
    });

    it('lets instance B use the confirmation A made, without reading the ACL', async () => {
      fakeDateOnly();
      const principal = await adminPrincipal();
      await expect(recheck.currentRole(principal)).resolves.toBe('Admin');
      await expect(otherRecheck.currentRole(principal)).resolves.toBe('Admin');
      expect(roleOf).toHaveBeenCalledTimes(1);
      expect(otherRoleOf).not.toHaveBeenCalled();
    });

    it('trusts another instance\'s confirmation only for the time it has left: the interval holds for the whole deployment', async () => {
      fakeDateOnly();
      const start = Date.now();
      const principal = await adminPrincipal();
      await expect(recheck.currentRole(principal)).resolves.toBe('Admin');
      vi.setSystemTime(start + ADMIN_RECHECK_INTERVAL_MS - 1000);
      await expect(otherRecheck.currentRole(principal)).resolves.toBe('Admin');

      await setAcl('-@admin');
      vi.setSystemTime(start + ADMIN_RECHECK_INTERVAL_MS);
      await expect(otherRecheck.currentRole(principal)).resolves.toBe('Read-Write');
      expect(otherRoleOf).toHaveBeenCalledTimes(1);
    });

    it('hands a demotion found on A to B as soon as B\'s own memory runs out, without B reading the ACL', async () => {
      fakeDateOnly();
      const start = Date.now();
      const principal = await adminPrincipal();
      await expect(recheck.currentRole(principal)).resolves.toBe('Admin');
      await expect(otherRecheck.currentRole(principal)).resolves.toBe('Admin');

      await setAcl('-@admin');
      vi.setSystemTime(start + ADMIN_RECHECK_INTERVAL_MS);
      await expect(recheck.currentRole(principal)).resolves.toBe('Read-Write');
      await expect(otherRecheck.currentRole(principal)).resolves.toBe('Read-Write');
      expect(roleOf).toHaveBeenCalledTimes(2);
      expect(otherRoleOf).not.toHaveBeenCalled();
    });

    it('shares nothing in instance mode: each instance reads the ACL itself', async () => {
      const principal = await adminPrincipal();
      const instanceRoleOf = vi.spyOn(instanceOnly.get(FalkorDbLoginService), 'roleOf');
      await expect(recheck.currentRole(principal)).resolves.toBe('Admin');
      await expect(instanceOnly.get(AdminRoleRecheck).currentRole(principal)).resolves.toBe('Admin');
      expect(instanceRoleOf).toHaveBeenCalledTimes(1);
      // And it leaves nothing for the others: B still has to read the ACL for a credential only it checked.
      const another = await adminPrincipal();
      await expect(instanceOnly.get(AdminRoleRecheck).currentRole(another)).resolves.toBe('Admin');
      await expect(otherRecheck.currentRole(another)).resolves.toBe('Admin');
      expect(otherRoleOf).toHaveBeenCalledTimes(1);
    });

    it('confirms on its own, without failing, when the service user may not run scripts', async () => {
      const service = { username: 'pat_recheck_no_scripts', password: 'no-scripts-secret-pw' };
      await harness.server.command(['ACL', 'SETUSER', service.username, 'on', `>${service.password}`, '~*', '&*', '+@all', '-@scripting']);
      const limited = await harness.anotherInstance({}, `redis://${service.username}:${service.password}@127.0.0.1:${harness.server.port}`);
      try {
        const limitedRoleOf = vi.spyOn(limited.get(FalkorDbLoginService), 'roleOf');
        const principal = await adminPrincipal();
        await expect(recheck.currentRole(principal)).resolves.toBe('Admin');
        await expect(limited.get(AdminRoleRecheck).currentRole(principal)).resolves.toBe('Admin');
        expect(limitedRoleOf).toHaveBeenCalledTimes(1);
      } finally {
        await limited.close();
      }
    });
  });
});
