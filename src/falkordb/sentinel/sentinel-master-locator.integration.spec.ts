import { SentinelDeployment } from '../../../test/support/sentinel-deployment';
import { until } from '../../../test/support/until';
import { PrimaryNotFoundError, sameAddress } from './find-primary';
import { SentinelMasterLocator, PrimaryChange } from './sentinel-master-locator';
import { HostAndPort, SentinelMasterLocatorOptions } from './sentinel-options';

const SERVICE_USER = { username: 'pat_service', password: 'service-secret-pw' };
const SENTINEL_USER = { username: 'pat_sentinel', password: 'sentinel-secret-pw' };

/**
 * The locator against a real deployment: two FalkorDB servers (primary and replica) and three
 * Valkey sentinels, all with ACL users, on loopback. The tests share the deployment and run in
 * order: the failover test leaves the other server as primary.
 */
describe('SentinelMasterLocator with FalkorDB under Valkey Sentinel (real processes)', () => {
  const deployment = new SentinelDeployment({ dataAuth: SERVICE_USER, sentinelAuth: SENTINEL_USER });
  const locators: SentinelMasterLocator[] = [];
  const logLines: string[] = [];

  const options = (overrides: Partial<SentinelMasterLocatorOptions> = {}): SentinelMasterLocatorOptions => ({
    sentinels: deployment.sentinelAddresses,
    masterName: deployment.masterName,
    sentinelCredentials: SENTINEL_USER,
    dataCredentials: SERVICE_USER,
    logger: (level, message) => void logLines.push(`${level} ${message}`),
    ...overrides,
  });

  const startLocator = async (overrides: Partial<SentinelMasterLocatorOptions> = {}) => {
    const locator = new SentinelMasterLocator(options(overrides));
    locators.push(locator);
    await locator.start();
    return locator;
  };

  const roleOf = async (address: HostAndPort) => ((await deployment.command(address, ['ROLE'])) as unknown[])[0];

  beforeAll(async () => {
    await deployment.start();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(locators.splice(0).map((locator) => locator.close()));
    await deployment.restartKilled();
    logLines.length = 0;
  });

  afterAll(async () => {
    await deployment.stop();
  });

  it('resolves the primary the sentinels name, which answers ROLE as master', async () => {
    const locator = await startLocator();
    const primary = await deployment.currentPrimary();
    expect(locator.current).toEqual(primary);
    expect(await roleOf(primary)).toBe('master');
  });

  it('a graph write on the primary reaches the replica (the module is loaded on both)', async () => {
    const primary = await deployment.currentPrimary();
    const replica = deployment.dataAddresses.find((address) => !sameAddress(address, primary))!;
    await deployment.command(primary, ['GRAPH.QUERY', 'locator_test', "CREATE (:Marker {name: 'before failover'})"]);
    expect(await deployment.command(primary, ['WAIT', '1', '2000'])).toBe(1);
    const rows = await deployment.command(replica, ['GRAPH.RO_QUERY', 'locator_test', 'MATCH (m:Marker) RETURN m.name']);
    expect(JSON.stringify(rows)).toContain('before failover');
  });

  it('still resolves when the first sentinel listed is down, and subscribes to it once it is back', async () => {
    const down = await deployment.killSentinel(0);
    const locator = await startLocator();
    expect(locator.current).toEqual(await deployment.currentPrimary());

    const subscribedToIt = () => logLines.some((line) => line === `debug Subscribed to +switch-master on sentinel 127.0.0.1:${down.port}`);
    expect(subscribedToIt()).toBe(false);
    await deployment.restartKilled();
    await until(subscribedToIt, 10_000, 'the subscription on the restarted sentinel');
  });

  it('spends one request timeout on a sentinel that hangs, then asks the next', async () => {
    const [hung] = deployment.sentinelAddresses;
    deployment.freeze(hung);
    try {
      const startedAt = Date.now();
      const locator = await startLocator({ requestTimeoutMs: 500 });
      const tookMs = Date.now() - startedAt;
      expect(locator.current).toEqual(await deployment.currentPrimary());
      // One 500 ms timeout plus two quick answers; generous for a loaded machine.
      expect(tookMs).toBeLessThan(5000);
    } finally {
      deployment.thaw(hung);
    }
  });

  it('fails with PrimaryNotFoundError, saying what each sentinel answered, when the named server refuses the credentials', async () => {
    const locator = new SentinelMasterLocator(options({ dataCredentials: { username: SERVICE_USER.username, password: 'wrong' } }));
    const error = await locator.start().then(
      () => new Error('started'),
      (failure: Error) => failure,
    );
    expect(error).toBeInstanceOf(PrimaryNotFoundError);
    expect(error.message).toMatch(/which does not answer ROLE as master/);
    expect(locator.current).toBeUndefined();
  });

  it('reports the new primary after the primary is killed, and refresh() agrees', async () => {
    const locator = await startLocator();
    const changes: { change: PrimaryChange; at: number }[] = [];
    locator.onChange((change) => changes.push({ change, at: Date.now() }));
    const before = locator.current!;

    const killedAt = Date.now();
    const killed = await deployment.killPrimary();
    expect(killed).toEqual(before);
    await until(() => changes.length > 0, 20_000, 'the locator to report a new primary');
    const { change, at } = changes[0];
    // Not an assertion on timing: how long sentinels took on this machine, for the record.
    console.log(`Failover: ${at - killedAt} ms from SIGKILL of the primary to the locator's change event (via ${change.reason})`);

    expect(change.previous).toEqual(before);
    expect(sameAddress(change.primary, before)).toBe(false);
    expect(locator.current).toEqual(change.primary);
    expect(await roleOf(change.primary)).toBe('master');
    expect(await locator.refresh()).toEqual(change.primary);
    // The replica had the graph: it is still there on the new primary, which takes writes.
    const rows = await deployment.command(change.primary, ['GRAPH.QUERY', 'locator_test', "MATCH (m:Marker) SET m.seen = 1 RETURN m.name"]);
    expect(JSON.stringify(rows)).toContain('before failover');
    expect(changes).toHaveLength(1);
  });

  it('refresh() finds the primary after the killed server rejoined as a replica', async () => {
    const locator = await startLocator({ pollIntervalMs: 0 });
    const primary = locator.current!;
    const rejoinStartedAt = Date.now();
    await deployment.waitForReplicaSync();
    console.log(`Rejoin: ${Date.now() - rejoinStartedAt} ms for the killed server to be turned into an in-sync replica`);
    const replica = deployment.dataAddresses.find((address) => !sameAddress(address, primary))!;
    expect(await roleOf(replica)).toBe('slave');
    expect(await locator.refresh()).toEqual(primary);
    expect(await deployment.currentPrimary()).toEqual(primary);
  }, 60_000);
});
