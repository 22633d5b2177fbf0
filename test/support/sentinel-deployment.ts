import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendToServer } from './server-command';
import { probe } from '../../src/falkordb/embedded/resp-probe';
import { hasSetpriv, serverArgs } from '../../src/falkordb/embedded/server-command';
import { logLinesSince, logSize } from '../../src/falkordb/embedded/server-log';
import { bundledModulePath, resolveServerBinary } from '../../src/falkordb/falkordb-server-binary';
import { freePort } from './free-port';
import { until } from './until';

export interface NodeAddress {
  host: string;
  port: number;
}

export interface Credentials {
  /** Without a username the password is the `default` user's (`requirepass`). */
  username?: string;
  password: string;
}

export interface SentinelDeploymentOptions {
  /** The name the sentinels monitor the primary under. Default `pat-primary`. */
  masterName?: string;
  /**
   * An ACL user on both data servers (the `default` user is then off): the replica replicates as
   * this user (`masteruser`/`masterauth`) and the sentinels monitor as it (`sentinel auth-user`).
   */
  dataAuth?: { username: string; password: string };
  /** Protects the sentinels themselves (an ACL user, or `requirepass` without a username). */
  sentinelAuth?: Credentials;
  /** Default 1000: how long the primary must be silent before a sentinel thinks it down. */
  downAfterMs?: number;
  /** Default 5000. */
  failoverTimeoutMs?: number;
}

export type DeploymentNodeKind = 'data' | 'sentinel';

/** One server process of the deployment, as a test may inspect it. */
export interface DeploymentNodeInfo {
  name: string;
  kind: DeploymentNodeKind;
  host: string;
  port: number;
  /** Undefined while the process is not running (killed, or the deployment stopped). */
  pid?: number;
}

interface DeploymentNode {
  name: string;
  kind: DeploymentNodeKind;
  port: number;
  dir: string;
  configFile: string;
  child?: ChildProcess;
  exited?: Promise<void>;
  /** Sizes of its log and output files when the current process started: its own lines come after. */
  logOffset: number;
  outputOffset: number;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 15_000;
const SETTLED_TIMEOUT_MS = 30_000;
const COMMAND_TIMEOUT_MS = 2_000;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A config file value: valkey reads double-quoted strings with C-like escapes. */
const quoted = (value: string): string => JSON.stringify(value);

/** `--name value...` pairs (a server command line) as config file lines `name value...`. */
function asConfigLines(args: readonly string[]): string[] {
  const lines: string[] = [];
  for (const arg of args) {
    if (arg.startsWith('--')) lines.push(arg.slice(2));
    else lines[lines.length - 1] += ` ${quoted(arg)}`;
  }
  return lines;
}

/** `INFO` text as fields. */
function infoFields(info: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of info.split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  return fields;
}

/** A flat `[key, value, key, value...]` reply (RESP2 maps) as an object. */
function pairs(reply: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!Array.isArray(reply)) return result;
  for (let i = 0; i + 1 < reply.length; i += 2) result[String(reply[i])] = String(reply[i + 1]);
  return result;
}

/**
 * FalkorDB under Valkey Sentinel on loopback, for tests of failover handling: two data servers
 * (valkey-server + falkordb.so, the embedded server's settings), one starting as primary and one as
 * its replica, and three sentinels monitoring the primary (quorum 2, a failover completes within a
 * few seconds). Every process has its own folder under one temp folder, and a config file there that
 * it may rewrite: sentinels record what they learn in theirs, and a data server the sentinels
 * reconfigure records its new role in its own (CONFIG REWRITE), as in production.
 *
 * The processes get SIGKILL from the kernel when the test process dies, however it dies
 * (setpriv --pdeathsig, when setpriv is there). Start it from the main thread: the parent-death
 * signal follows the spawning thread.
 */
export class SentinelDeployment {
  readonly masterName: string;
  private readonly options: SentinelDeploymentOptions;
  private root?: string;
  private readonly dataNodes: DeploymentNode[] = [];
  private readonly sentinelNodes: DeploymentNode[] = [];
  private readonly killed = new Set<DeploymentNode>();
  private serverPath = '';

  constructor(options: SentinelDeploymentOptions = {}) {
    const passwords = [options.dataAuth?.password, options.sentinelAuth?.password];
    if (passwords.some((password) => password !== undefined && /\s/.test(password))) {
      // Sentinels write `sentinel auth-pass` back to their config unquoted: they would not restart.
      throw new Error('SentinelDeployment: passwords must not contain whitespace');
    }
    this.options = options;
    this.masterName = options.masterName ?? 'pat-primary';
  }

  /**
   * Starts primary, replica and sentinels, and resolves once the replica is in sync and every
   * sentinel knows the replica and the two other sentinels (so a failover can be agreed on).
   */
  async start(): Promise<void> {
    if (this.root) throw new Error('the sentinel deployment is already started');
    this.serverPath = resolveServerBinary();
    const modulePath = bundledModulePath();
    this.root = await mkdtemp(join(tmpdir(), 'pat-sentinel-'));
    try {
      const [primaryPort, replicaPort, ...sentinelPorts] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
      const primary = await this.addDataNode('data-1', primaryPort, modulePath);
      await this.addDataNode('data-2', replicaPort, modulePath, primaryPort);
      for (const [index, port] of sentinelPorts.entries()) await this.addSentinelNode(`sentinel-${index + 1}`, port, primary.port);
      for (const node of [...this.dataNodes, ...this.sentinelNodes]) await this.launch(node);
      await this.waitForReplicaSync();
      await until(() => this.sentinelsKnowEachOther(), SETTLED_TIMEOUT_MS, 'every sentinel to know the replica and the other two sentinels');
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** SIGKILLs every process and removes the temp folder. Safe to call more than once. */
  async stop(): Promise<void> {
    await Promise.all([...this.dataNodes, ...this.sentinelNodes].map((node) => this.terminate(node)));
    this.killed.clear();
    this.dataNodes.length = 0;
    this.sentinelNodes.length = 0;
    if (this.root) await rm(this.root, { recursive: true, force: true });
    this.root = undefined;
  }

  get sentinelAddresses(): NodeAddress[] {
    return this.sentinelNodes.map((node) => ({ host: HOST, port: node.port }));
  }

  /** Both data servers, whatever their role now. */
  get dataAddresses(): NodeAddress[] {
    return this.dataNodes.map((node) => ({ host: HOST, port: node.port }));
  }

  get nodes(): DeploymentNodeInfo[] {
    return [...this.dataNodes, ...this.sentinelNodes].map((node) => ({ name: node.name, kind: node.kind, host: HOST, port: node.port, pid: node.child?.pid }));
  }

  /** The primary as the first sentinel that answers names it (`SENTINEL get-master-addr-by-name`). */
  async currentPrimary(): Promise<NodeAddress> {
    const failures: string[] = [];
    for (const sentinel of this.sentinelNodes.filter((node) => node.child)) {
      try {
        const reply = await this.command(sentinel.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName]);
        if (Array.isArray(reply) && reply.length === 2) return { host: String(reply[0]), port: Number(reply[1]) };
        failures.push(`${sentinel.name}: ${JSON.stringify(reply)}`);
      } catch (error) {
        failures.push(`${sentinel.name}: ${errorText(error)}`);
      }
    }
    throw new Error(`no sentinel names a primary for ${this.masterName}: ${failures.join('; ')}`);
  }

  /**
   * Runs one command on the node listening on `port` (a data server or a sentinel), on a connection
   * of its own, with the credentials the deployment gave that kind of node.
   */
  async command(target: NodeAddress | number, args: string[]): Promise<unknown> {
    const port = typeof target === 'number' ? target : target.port;
    const node = this.nodeOn(port);
    const credentials = node.kind === 'data' ? this.options.dataAuth : this.options.sentinelAuth;
    return sendToServer(port, args, credentials ?? {}, COMMAND_TIMEOUT_MS);
  }

  /** SIGKILLs the data server the sentinels name as primary; returns its address. */
  async killPrimary(): Promise<NodeAddress> {
    const primary = await this.currentPrimary();
    const node = this.nodeOn(primary.port);
    await this.kill(node);
    return { host: HOST, port: node.port };
  }

  /** SIGKILLs one sentinel (0-based index); `restartKilled()` starts it again. */
  async killSentinel(index: number): Promise<NodeAddress> {
    const node = this.sentinelNodes[index];
    if (!node) throw new Error(`there is no sentinel ${index}`);
    await this.kill(node);
    return { host: HOST, port: node.port };
  }

  /**
   * Freezes a node's process (SIGSTOP): the kernel still accepts TCP connections, but nothing is
   * answered, like a server that hangs. Undo with `thaw()`.
   */
  freeze(target: NodeAddress | number): void {
    this.signal(target, 'SIGSTOP');
  }

  thaw(target: NodeAddress | number): void {
    this.signal(target, 'SIGCONT');
  }

  private signal(target: NodeAddress | number, signal: NodeJS.Signals): void {
    const node = this.nodeOn(typeof target === 'number' ? target : target.port);
    if (!node.child) throw new Error(`${node.name} is not running`);
    node.child.kill(signal);
  }

  /**
   * Starts every killed process again with its own (possibly rewritten) config and data. A killed
   * primary comes back believing it is the primary; the sentinels turn it into a replica of the new
   * primary some seconds later: `waitForReplicaSync()` waits for that.
   */
  async restartKilled(): Promise<void> {
    const nodes = [...this.killed];
    this.killed.clear();
    for (const node of nodes) await this.launch(node);
  }

  /**
   * Resolves once the sentinels' primary answers ROLE as master and every other running data
   * server is its replica with `master_link_status:up`.
   */
  async waitForReplicaSync(timeoutMs = SETTLED_TIMEOUT_MS): Promise<void> {
    let state = 'nothing asked yet';
    await until(
      async () => {
        try {
          state = await this.replicationState();
          return state === 'in sync';
        } catch (error) {
          state = errorText(error);
          return false;
        }
      },
      timeoutMs,
      'the replicas to be in sync with the primary',
    ).catch((error: Error) => {
      throw new Error(`${error.message} (last seen: ${state})`);
    });
  }

  private async replicationState(): Promise<string> {
    const primary = await this.currentPrimary();
    const role = await this.command(primary, ['ROLE']);
    if (!Array.isArray(role) || role[0] !== 'master') return `${primary.port} is not master yet (${JSON.stringify(role)})`;
    for (const node of this.dataNodes) {
      if (node.port === primary.port || !node.child) continue;
      const info = infoFields(String(await this.command(node.port, ['INFO', 'replication'])));
      if (info.get('role') !== 'slave' || info.get('master_port') !== String(primary.port)) return `${node.name} is not a replica of ${primary.port} yet`;
      if (info.get('master_link_status') !== 'up') return `${node.name}: master_link_status ${info.get('master_link_status')}`;
    }
    return 'in sync';
  }

  private async sentinelsKnowEachOther(): Promise<boolean> {
    for (const sentinel of this.sentinelNodes) {
      try {
        const master = pairs(await this.command(sentinel.port, ['SENTINEL', 'MASTER', this.masterName]));
        if (master['num-other-sentinels'] !== String(this.sentinelNodes.length - 1) || master['num-slaves'] !== String(this.dataNodes.length - 1)) return false;
      } catch {
        return false;
      }
    }
    return true;
  }

  private nodeOn(port: number): DeploymentNode {
    const node = [...this.dataNodes, ...this.sentinelNodes].find((candidate) => candidate.port === port);
    if (!node) throw new Error(`no node of this deployment listens on port ${port}`);
    return node;
  }

  private async addDataNode(name: string, port: number, modulePath: string, replicaOf?: number): Promise<DeploymentNode> {
    const node = await this.addNode(name, 'data', port);
    const auth = this.options.dataAuth;
    const lines = [
      // The embedded server's own settings (AOF fsync'd on every write, loopback only, falkordb.so).
      ...asConfigLines(serverArgs({ serverPath: this.serverPath, modulePath, dataDir: node.dir, port })),
      // What the replica tells the primary (and so the sentinels) to reach it at.
      `replica-announce-ip ${HOST}`,
      // A (re)joining replica is sent the data at once, not after the default 5 s wait for others.
      'repl-diskless-sync-delay 0',
      ...(replicaOf !== undefined ? [`replicaof ${HOST} ${replicaOf}`] : []),
      // Either server may be the replica after a failover: both replicate with the service user.
      ...(auth
        ? [`user default off`, `user ${auth.username} on ${quoted(`>${auth.password}`)} ~* &* +@all`, `masteruser ${auth.username}`, `masterauth ${quoted(auth.password)}`]
        : []),
    ];
    await writeFile(node.configFile, `${lines.join('\n')}\n`);
    this.dataNodes.push(node);
    return node;
  }

  private async addSentinelNode(name: string, port: number, primaryPort: number): Promise<void> {
    const node = await this.addNode(name, 'sentinel', port);
    const { dataAuth, sentinelAuth } = this.options;
    const master = this.masterName;
    const lines = [
      `port ${port}`,
      `bind ${HOST}`,
      `dir ${quoted(node.dir)}`,
      'daemonize no',
      `pidfile ${quoted(join(node.dir, 'sentinel.pid'))}`,
      `logfile ${quoted(join(node.dir, 'sentinel.log'))}`,
      // Addresses are IPs on loopback: nothing to resolve, and sentinels announce 127.0.0.1.
      'sentinel resolve-hostnames no',
      'sentinel announce-hostnames no',
      `sentinel announce-ip ${HOST}`,
      `sentinel monitor ${master} ${HOST} ${primaryPort} 2`,
      `sentinel down-after-milliseconds ${master} ${this.options.downAfterMs ?? 1000}`,
      `sentinel failover-timeout ${master} ${this.options.failoverTimeoutMs ?? 5000}`,
      `sentinel parallel-syncs ${master} 1`,
      ...(dataAuth ? [`sentinel auth-user ${master} ${dataAuth.username}`, `sentinel auth-pass ${master} ${quoted(dataAuth.password)}`] : []),
      // Sentinels also log in to each other (failover votes) with the credentials they require.
      ...(sentinelAuth?.username
        ? [
            'user default off',
            `user ${sentinelAuth.username} on ${quoted(`>${sentinelAuth.password}`)} ~* &* +@all`,
            `sentinel sentinel-user ${sentinelAuth.username}`,
            `sentinel sentinel-pass ${quoted(sentinelAuth.password)}`,
          ]
        : []),
      ...(sentinelAuth && !sentinelAuth.username ? [`requirepass ${quoted(sentinelAuth.password)}`, `sentinel sentinel-pass ${quoted(sentinelAuth.password)}`] : []),
    ];
    await writeFile(node.configFile, `${lines.join('\n')}\n`);
    this.sentinelNodes.push(node);
  }

  private async addNode(name: string, kind: DeploymentNodeKind, port: number): Promise<DeploymentNode> {
    if (!this.root) throw new Error('the sentinel deployment is not started');
    const dir = join(this.root, name);
    await mkdir(dir);
    return { name, kind, port, dir, configFile: join(dir, `${kind === 'data' ? 'falkordb' : 'sentinel'}.conf`), logOffset: 0, outputOffset: 0 };
  }

  private outputFile(node: DeploymentNode): string {
    return join(node.dir, 'output.log');
  }

  /** What the node's current process wrote (its output, then its log), for a failure message. */
  private async lastWords(node: DeploymentNode): Promise<string> {
    const lines = [...(await logLinesSince(this.outputFile(node), node.outputOffset)), ...(await logLinesSince(this.logFile(node), node.logOffset))];
    return lines.length ? lines.join(' | ') : 'nothing logged';
  }

  private logFile(node: DeploymentNode): string {
    return join(node.dir, node.kind === 'data' ? 'falkordb.log' : 'sentinel.log');
  }

  /** Spawns the node's process and waits until it answers PING (LOADING does not count). */
  private async launch(node: DeploymentNode): Promise<void> {
    const commandArgs = node.kind === 'sentinel' ? [node.configFile, '--sentinel'] : [node.configFile];
    // SIGKILL rather than the embedded server's SIGTERM: test data need no clean shutdown.
    const [file, args] = hasSetpriv()
      ? ['setpriv', ['--pdeathsig', 'SIGKILL', '--', this.serverPath, ...commandArgs]]
      : [this.serverPath, commandArgs];
    node.logOffset = await logSize(this.logFile(node));
    node.outputOffset = await logSize(this.outputFile(node));
    // Its stdout/stderr: only written before it opens its log (e.g. a config file error).
    const output = openSync(this.outputFile(node), 'a');
    let child: ChildProcess;
    try {
      child = spawn(file, args, { cwd: node.dir, detached: true, stdio: ['ignore', output, output] });
    } finally {
      closeSync(output);
    }
    child.unref();
    node.child = child;
    node.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    let exited = false;
    void node.exited.then(() => (exited = true));
    try {
      await until(
        async () => {
          if (exited) throw new Error(`${node.name} exited on start: ${await this.lastWords(node)}`);
          const result = await probe(node.port, [['PING']], 1000);
          return result.outcome === 'replied' && !(result.replies[0].kind === 'error' && result.replies[0].text.startsWith('LOADING'));
        },
        READY_TIMEOUT_MS,
        `${node.name} on port ${node.port} to answer PING`,
      );
    } catch (error) {
      await this.terminate(node);
      throw error;
    }
  }

  private async kill(node: DeploymentNode): Promise<void> {
    if (!node.child) throw new Error(`${node.name} is not running`);
    await this.terminate(node);
    this.killed.add(node);
  }

  private async terminate(node: DeploymentNode): Promise<void> {
    const { child, exited } = node;
    node.child = undefined;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) {
      // Keep Node.js alive until the exit is seen (the child is unref'd while it runs).
      child.ref();
      child.kill('SIGKILL');
    }
    await exited;
  }
}
