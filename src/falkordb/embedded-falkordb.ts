import { chmod, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Logger, LoggerService } from '@nestjs/common';
import { reclaimLeftoverServer, removePidFileOf } from './embedded/leftover-server';
import { seconds, waitUntilReady } from './embedded/readiness';
import { describeExit, describeStatus, ExitStatus, ServerChild, spawnServer, terminate } from './embedded/server-child';
import { LOG_FILE, PID_FILE, serverCommand, serverConfigInput, ServerCommandOptions } from './embedded/server-command';
import { logLinesSince, logSize, saysPortInUse } from './embedded/server-log';
import { bundledModulePath, resolveServerBinary } from './falkordb-server-binary';
import { DEFAULT_EMBEDDED_READY_TIMEOUT_MS, EmbeddedFalkorDbOptions, embeddedSocketPath } from './falkordb.options';
import { errorMessage } from '../common/error-message';

/** 'up': answering; 'down': exited unexpectedly, being restarted; 'stopped': after stop(). */
export type EmbeddedFalkorDbState = 'up' | 'down' | 'stopped';

/** An outage of the server starts ('down') or ends ('up'); each outage gives one of each. */
export type EmbeddedFalkorDbStateChange =
  | { state: 'down'; pid: number; reason: string; logTail: string[] }
  | { state: 'up'; pid: number; downForMs: number; restartAttempts: number };

export type EmbeddedFalkorDbLogger = Pick<LoggerService, 'log' | 'warn' | 'error'> & Partial<Pick<LoggerService, 'debug'>>;

/** The server's command line settings (its dataDir absolute), and how long startup may stall. */
interface Settings extends ServerCommandOptions {
  readyTimeoutMs: number;
}

/** stop(): time the server gets to shut down on SIGTERM (fsync the AOF) before SIGKILL. */
const STOP_GRACE_MS = 10_000;
const RESTART_FIRST_DELAY_MS = 100;
const RESTART_MAX_DELAY_MS = 5_000;
/** While restarts keep failing, their error is logged at most this often. */
const RESTART_FAILURE_LOG_INTERVAL_MS = 60_000;

let warnedNoSetpriv = false;


/**
 * The embedded FalkorDB: a valkey/redis server loading falkordb.so, run as a child process on
 * 127.0.0.1:<port> with its data in `dataDir` (AOF, fsync'd on every write, so a token that was
 * returned to a client survives kill -9). The child belongs to this process:
 *
 * - it runs in its own process group, so a Ctrl-C in the terminal reaches only Node.js, which can
 *   drain its requests and then stop the server; no signal handlers are installed here;
 * - it gets SIGTERM from the kernel when this process dies, however it dies (setpriv --pdeathsig);
 * - a server that a dead earlier run left behind (named by `dataDir`/falkordb.pid) is stopped on start;
 * - if it exits unexpectedly it is restarted on the same port and data (100 ms backoff doubling up
 *   to 5 s), and listeners of onStateChange() hear 'down' once and 'up' once per outage.
 *
 * The pid file and log are `dataDir`/falkordb.pid and `dataDir`/falkordb.log; nothing is written
 * elsewhere. Start it from the main thread: the parent-death signal follows the spawning thread.
 */
export class EmbeddedFalkorDb {
  private current?: ServerChild;
  private currentState: EmbeddedFalkorDbState = 'up';
  private readonly listeners = new Set<(change: EmbeddedFalkorDbStateChange) => void>();
  private readonly stopController = new AbortController();
  private stopping?: Promise<void>;
  private restartTimer?: NodeJS.Timeout;
  private restarting?: Promise<void>;
  private restartAttempts = 0;
  private downSince = 0;
  private lastFailureLogAt = 0;

  private constructor(
    private readonly settings: Settings,
    private readonly logger: EmbeddedFalkorDbLogger,
  ) {}

  /**
   * Starts the server and resolves once it answers PING (after loading its data, however long that
   * takes while it advances). Fails if the server exits or makes no progress for `readyTimeoutMs`,
   * and then leaves no process behind.
   */
  static async start(options: EmbeddedFalkorDbOptions, logger: EmbeddedFalkorDbLogger = new Logger('EmbeddedFalkorDB')): Promise<EmbeddedFalkorDb> {
    const serverPath = resolveServerBinary(options.serverPath);
    const modulePath = options.modulePath ?? bundledModulePath();
    const dataDir = resolve(options.dataDir);
    await mkdir(dataDir, { recursive: true });
    // A server on a private socket keeps data nobody else may read or reach: the folder holds the
    // socket and the AOF (written 0644), so only this user may enter it.
    if (options.unixSocket) await chmod(dataDir, 0o700);
    const instance = new EmbeddedFalkorDb(
      {
        serverPath,
        modulePath,
        dataDir,
        port: options.port,
        moduleArgs: options.moduleArgs,
        password: options.password,
        unixSocket: options.unixSocket ? embeddedSocketPath(dataDir) : undefined,
        readyTimeoutMs: options.readyTimeoutMs ?? DEFAULT_EMBEDDED_READY_TIMEOUT_MS,
      },
      logger,
    );
    try {
      instance.adopt(await instance.launch());
    } catch (error) {
      instance.currentState = 'stopped';
      instance.stopping = Promise.resolve();
      throw new Error(
        `Embedded FalkorDB failed to start (${serverPath} on ${options.unixSocket ? embeddedSocketPath(dataDir) : `127.0.0.1:${options.port}`}, data in ${dataDir}): ${errorMessage(error)}`,
      );
    }
    return instance;
  }

  /** The TCP port on 127.0.0.1 (0 for a server on a unix socket). */
  get port(): number {
    return this.settings.unixSocket ? 0 : this.settings.port;
  }

  /** The unix socket it listens on, when started with `unixSocket`. */
  get socketPath(): string | undefined {
    return this.settings.unixSocket;
  }

  get dataDir(): string {
    return this.settings.dataDir;
  }

  get logFile(): string {
    return join(this.settings.dataDir, LOG_FILE);
  }

  get pidFile(): string {
    return join(this.settings.dataDir, PID_FILE);
  }

  /** The running server process; undefined while it is down or after stop(). */
  get pid(): number | undefined {
    return this.current?.pid;
  }

  get state(): EmbeddedFalkorDbState {
    return this.currentState;
  }

  /** True while the server is up (answered PING and has not exited since). */
  get isRunning(): boolean {
    return this.currentState === 'up' && this.current !== undefined;
  }

  /** Calls `listener` when an outage starts ('down') and when it ends ('up'). Returns an unsubscribe function. */
  onStateChange(listener: (change: EmbeddedFalkorDbStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stops supervising and shuts the server down: SIGTERM (it fsyncs the AOF and exits), SIGKILL if
   * it has not exited within 10 s. Resolves when it has exited. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.stopController.abort();
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.restarting;
    const server = this.current;
    this.current = undefined;
    this.currentState = 'stopped';
    if (server) await this.terminate(server, STOP_GRACE_MS);
  }

  /** Spawns a server (after stopping a leftover of an earlier run) and waits until it is ready. */
  private async launch(): Promise<ServerChild> {
    const { dataDir, readyTimeoutMs } = this.settings;
    await reclaimLeftoverServer(this.pidFile, dataDir, this.port, this.logger);
    if (this.stopController.signal.aborted) throw new Error('stopped while the server was starting');
    const command = serverCommand(this.settings);
    const configInput = serverConfigInput(this.settings);
    if (!command.pdeathsig && !warnedNoSetpriv) {
      warnedNoSetpriv = true;
      this.logger.warn(
        'setpriv (util-linux) was not found: if this process is killed with SIGKILL the FalkorDB server keeps running until the next start stops it',
      );
    }

    const logOffset = await logSize(this.logFile);
    const spawned = spawnServer(command, dataDir, this.logFile, logOffset, configInput);
    if ('failed' in spawned) throw new Error(await describeExit(logOffset, await spawned.failed, this.logFile, this.port));
    const server = spawned;
    const { exited } = server;

    let outcome: 'ready' | 'exited';
    try {
      outcome = await waitUntilReady({
        endpoint: this.settings.unixSocket ?? this.port,
        pid: server.pid,
        password: this.settings.password,
        readyTimeoutMs,
        exited,
        signal: this.stopController.signal,
        logger: this.logger,
      });
    } catch (error) {
      // It never served a write: nothing to lose by killing it outright.
      await this.terminate(server, 0);
      throw error;
    }
    if (outcome === 'exited') {
      await removePidFileOf(this.pidFile, server.pid);
      throw new Error(await describeExit(server.logOffset, await exited, this.logFile, this.port));
    }
    return server;
  }

  /** Makes a ready server the current one and restarts it if it exits unasked. */
  private adopt(server: ServerChild): void {
    this.current = server;
    this.currentState = 'up';
    void server.exited.then((status) => this.onExit(server, status));
  }

  private async onExit(server: ServerChild, status: ExitStatus): Promise<void> {
    if (this.current !== server || this.stopping) return;
    this.current = undefined;
    this.currentState = 'down';
    this.downSince = Date.now();
    this.restartAttempts = 0;
    const logTail = await logLinesSince(this.logFile, server.logOffset, 10);
    const reason = `${describeStatus(status)}${saysPortInUse(logTail) ? `; port ${this.port} is already in use` : ''}`;
    if (this.stopping) return;
    this.emit({ state: 'down', pid: server.pid, reason, logTail });
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const wait = Math.min(RESTART_FIRST_DELAY_MS * 2 ** this.restartAttempts, RESTART_MAX_DELAY_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restarting = this.restart().finally(() => (this.restarting = undefined));
    }, wait);
    // Waiting to restart is no reason to keep Node.js alive.
    this.restartTimer.unref();
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    this.restartAttempts += 1;
    let server: ServerChild;
    try {
      server = await this.launch();
    } catch (error) {
      if (this.stopping) return;
      const now = Date.now();
      if (now - this.lastFailureLogAt >= RESTART_FAILURE_LOG_INTERVAL_MS) {
        this.lastFailureLogAt = now;
        this.logger.error(
          `Embedded FalkorDB is still down after ${this.restartAttempts} restart attempt(s) in ${seconds(now - this.downSince)}: ${errorMessage(error)}`,
        );
      }
      this.scheduleRestart();
      return;
    }
    if (this.stopping) {
      await this.terminate(server, STOP_GRACE_MS);
      return;
    }
    this.adopt(server);
    this.lastFailureLogAt = 0;
    this.emit({ state: 'up', pid: server.pid, downForMs: Date.now() - this.downSince, restartAttempts: this.restartAttempts });
  }

  private emit(change: EmbeddedFalkorDbStateChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error(`EmbeddedFalkorDb state listener failed: ${errorMessage(error)}`);
      }
    }
  }

  /** See terminate() in embedded/server-child.ts. */
  private terminate(server: ServerChild, graceMs: number): Promise<void> {
    return terminate(server, graceMs, this.pidFile, (message) => {
      this.logger.warn(message);
    });
  }
}
