import { FalkorDbTestServer, TEST_USERS } from '../../../test/support/falkordb-test-server';
import { detectRole } from '../../auth/role-detector';
import { InvalidCredentialsError } from '../falkordb-errors';
import { LoginConnections } from './login-connections';
import { UserConnectionFactory } from './user-connection.factory';

describe('LoginConnections (real FalkorDB ACL users)', () => {
  let server: FalkorDbTestServer;
  let logins: LoginConnections;
  const address = () => ({ host: '127.0.0.1', port: server.port, tls: false });
  const whoAmI = (credentials: { username: string; password: string }) =>
    logins.asUser(address(), credentials, async (connection) => {
      const user: unknown = await connection.sendCommand(['ACL', 'WHOAMI']);
      return { id: Number(await connection.sendCommand(['CLIENT', 'ID'])), user };
    });

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
  });

  beforeEach(() => {
    logins = new LoginConnections(new UserConnectionFactory());
  });

  afterEach(() => logins.onApplicationShutdown());

  afterAll(async () => {
    await server?.destroy();
  });

  it('signs every use in as its own user, on one reused connection', async () => {
    const admin = await whoAmI(TEST_USERS.admin);
    const writer = await whoAmI(TEST_USERS.writer);
    expect(admin.user).toBe(TEST_USERS.admin.username);
    expect(writer.user).toBe(TEST_USERS.writer.username);
    expect(writer.id).toBe(admin.id);
  });

  it('reads each user\'s own role, whoever used the connection before', async () => {
    const roleOf = (user: { username: string; password: string }) => logins.asUser(address(), user, (connection) => detectRole(connection, user.username));
    await expect(roleOf(TEST_USERS.admin)).resolves.toBe('Admin');
    await expect(roleOf(TEST_USERS.reader)).resolves.toBe('Read-Only');
    await expect(roleOf(TEST_USERS.writer)).resolves.toBe('Read-Write');
    await expect(roleOf(TEST_USERS.admin)).resolves.toBe('Admin');
  });

  it('runs nothing after a refused AUTH, even on a connection an admin used before', async () => {
    await whoAmI(TEST_USERS.admin);
    const work = vi.fn(() => Promise.resolve('ran'));
    await expect(logins.asUser(address(), { username: TEST_USERS.admin.username, password: 'wrong' }, work)).rejects.toThrow(InvalidCredentialsError);
    await expect(logins.asUser(address(), { username: 'nobody-at-all', password: 'x' }, work)).rejects.toThrow(InvalidCredentialsError);
    expect(work).not.toHaveBeenCalled();
    // The connection is still fine for the next login, as that login's user.
    await expect(whoAmI(TEST_USERS.writer)).resolves.toMatchObject({ user: TEST_USERS.writer.username });
  });

  it('opens more connections for concurrent logins and keeps a bounded number idle', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, () => whoAmI(TEST_USERS.writer)));
    expect(new Set(ids.map((login) => login.id)).size).toBe(12);
    const clients = String(await server.command(['CLIENT', 'LIST'])).split('\n').filter((line) => line.includes(`user=${TEST_USERS.writer.username}`));
    expect(clients.length).toBeLessThanOrEqual(8);
  });

  it('does not reuse a connection the work gave up on', async () => {
    const first = await logins.asUser(address(), TEST_USERS.writer, async (connection) => {
      const id = Number(await connection.sendCommand(['CLIENT', 'ID']));
      connection.destroy();
      return id;
    });
    const next = await whoAmI(TEST_USERS.writer);
    expect(next.id).not.toBe(first);
  });
});
