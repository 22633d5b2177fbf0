import { Logger } from '@nestjs/common';
import { FalkorDB } from 'falkordb';
import { withDeadline } from '../common/deadline';
import { WriteNotReplicatedError } from './falkordb-errors';
import { DEFAULT_REPLICA_ACK_TIMEOUT_MS, ReplicaAckOptions } from './falkordb.options';
import { isUnavailableError } from './store-errors';
import { errorMessage } from '../common/error-message';

/** How often the primary's replica count is read again (it decides the default confirmation). */
const REPLICA_COUNT_REFRESH_MS = 5000;

/**
 * How many replicas must confirm a credential write before it is acknowledged (WAIT), and the
 * waiting itself. Default: 1 while the store's primary has replicas, 0 without; read again every 5 s.
 */
export class ReplicaAcknowledgements {
  private replicaCount = 0;
  private timer?: NodeJS.Timeout;
  private warned = false;

  constructor(
    private readonly options: ReplicaAckOptions | undefined,
    private readonly commandTimeoutMs: number,
    private readonly logger: Logger,
    /** The store's client now (it changes with a failover). */
    private readonly clientOf: () => FalkorDB | undefined,
  ) {}

  /** Starts following the primary's replica count (unless a fixed number is configured). */
  async watch(): Promise<void> {
    if (this.options?.minReplicas !== undefined) return;
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REPLICA_COUNT_REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reads the primary's replica count again (after a failover, say). */
  async refresh(): Promise<void> {
    const client = this.clientOf();
    if (this.options?.minReplicas !== undefined || !client) return;
    try {
      const connection = await client.connection;
      const info: unknown = await withDeadline(connection.sendCommand(['INFO', 'replication']), this.commandTimeoutMs);
      this.replicaCount = Number(/(?:^|\n)connected_slaves:(\d+)/.exec(typeof info === 'string' ? info : '')?.[1] ?? 0);
    } catch (error) {
      if (!this.warned) {
        this.warned = true;
        const reason = errorMessage(error);
        this.logger.warn(`Cannot read the store primary's replicas (${reason}): writes are not confirmed by replicas unless FALKORDB_MIN_REPLICAS_ACK is set`);
      }
    }
  }

  /** Replicas a credential write must be confirmed by before it is acknowledged. */
  get required(): number {
    return this.options?.minReplicas ?? (this.replicaCount > 0 ? 1 : 0);
  }

  /**
   * A write is acknowledged only once enough replicas have it (WAIT, on the connection that wrote
   * it): a failover right after the answer cannot undo it. Not confirmed in time: 503, outcome
   * unknown. `onUnavailable` hears a connection that broke while waiting.
   */
  async confirm(client: FalkorDB, onUnavailable: (error: unknown) => void): Promise<void> {
    const required = this.required;
    if (required === 0) return;
    const timeoutMs = this.options?.timeoutMs ?? DEFAULT_REPLICA_ACK_TIMEOUT_MS;
    let confirmed = 0;
    try {
      const connection = await client.connection;
      confirmed = Number(await withDeadline(connection.sendCommand(['WAIT', String(required), String(timeoutMs)]), timeoutMs + this.commandTimeoutMs));
    } catch (error) {
      if (!isUnavailableError(error)) throw error;
      onUnavailable(error);
    }
    if (confirmed < required) throw new WriteNotReplicatedError(required, confirmed, timeoutMs);
  }
}
