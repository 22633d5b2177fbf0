import { Principal } from '../../src/domain/principal';

/** A caller for policy tests: a Read-Write user's unrestricted PAT, changed by `overrides`. */
export function principalWith(overrides: Partial<Principal> = {}): Principal {
  return {
    kind: 'pat',
    credentialId: '1761055513181-aaaaaaaa',
    userId: 'user-1',
    username: 'alice',
    host: 'db',
    port: 6379,
    tls: false,
    role: 'Read-Write',
    access: 'read-write',
    graphs: null,
    allowedIps: null,
    expiresAt: null,
    ...overrides,
  };
}
