import { Inject, Injectable, Optional } from '@nestjs/common';
import { Principal } from '../domain/principal';
import { ValidationFailedError } from '../common/domain-errors';
import { permitsGraph } from '../domain/token-permissions';
import { UserConnection } from '../falkordb/user-connections/user-connection.factory';
import { CallerConnections } from './caller-connections';
import { withParams } from './cypher-params';
import { withDeadline } from '../common/deadline';
import { SchemaNames } from './graph-entities';
import {
  deleteArgs,
  explainArgs,
  LIST_ARGS,
  QueryCommand,
  queryArgs,
  queryCommandOf,
  REPLY_TYPE_MAPPING,
  SCHEMA_PROCEDURES,
} from './graph-commands';
import { assertMayDeleteGraphs, assertReachable, readOnlyReasonOf } from './graph-access';
import { GraphCallContext, toGraphError } from './graph-errors';
import { QueryAdmission } from './query-admission';
import { TokenStoreGraph } from './token-store-graph';
import { GRAPH_API_MODULE_OPTIONS } from './graph-api.module-definition';
import { GraphApiLimits, graphApiLimitsOf, GraphApiModuleOptions } from './graph-api.options';
import { QueryResult, readCompactReply, referencesSchema, stringColumn, toQueryResult, UnexpectedReplyError } from './result-mapper';
import { PatMetrics } from '../metrics/pat-metrics';
import { graphQueryOutcomeOf } from './graph-query-outcome';

export interface QueryRequest {
  query: string;
  params?: Record<string, unknown>;
  timeoutMs?: number;
  readOnly?: boolean;
}

export interface GraphSchema {
  labels: string[];
  relationshipTypes: string[];
  propertyKeys: string[];
}

function asStrings(reply: unknown, what: string): string[] {
  // FalkorDB answers the plan of a schema command (CREATE INDEX, DROP INDEX) as one plain string.
  if (typeof reply === 'string') return [reply];
  if (!Array.isArray(reply)) throw new UnexpectedReplyError(`${what} is not an array`);
  return reply.map(String);
}

/** The Graph API: every command runs as the caller's own FalkorDB user, so FalkorDB's ACL decides. */
@Injectable()
export class GraphApiService {
  private readonly limits: GraphApiLimits;
  private readonly admission: QueryAdmission;

  constructor(
    @Inject(GRAPH_API_MODULE_OPTIONS) options: GraphApiModuleOptions,
    private readonly connections: CallerConnections,
    private readonly tokenStore: TokenStoreGraph,
    /** Counts each command by outcome, when the host counts metrics. */
    @Optional() private readonly metrics?: PatMetrics,
  ) {
    this.limits = graphApiLimitsOf(options);
    this.admission = new QueryAdmission(this.limits);
  }

  /** Graphs on the caller's server that FalkorDB lets the caller list, minus the token store for non-admins. */
  listGraphs(principal: Principal): Promise<string[]> {
    return this.measured(() => this.listGraphsNow(principal));
  }

  private async listGraphsNow(principal: Principal): Promise<string[]> {
    const context = this.context(principal, '');
    const reply = await this.run(principal, context, (connection) => this.send(connection, [...LIST_ARGS], context));
    return asStrings(reply, 'GRAPH.LIST').filter((graph) => this.tokenStore.isVisibleTo(principal, graph) && permitsGraph(principal.graphs, graph));
  }

  query(principal: Principal, graph: string, request: QueryRequest): Promise<QueryResult> {
    return this.measured(() => this.queryNow(principal, graph, request));
  }

  private async queryNow(principal: Principal, graph: string, request: QueryRequest): Promise<QueryResult> {
    assertReachable(principal, graph);
    this.tokenStore.assertQueryable(principal, graph);
    const readOnlyReason = readOnlyReasonOf(principal, request.readOnly === true);
    const timeoutMs = this.timeoutOf(request.timeoutMs);
    const cypher = withParams(request.query, request.params);
    const command = queryCommandOf(readOnlyReason !== undefined);
    const context = { ...this.context(principal, graph, timeoutMs), readOnlyReason };
    return this.run(principal, context, async (connection) => {
      const reply = readCompactReply(await this.send(connection, queryArgs(command, graph, cypher, timeoutMs), context));
      const kept = reply.rows.slice(0, this.limits.maxRows);
      // Compact replies name labels, types and keys by id; the names are fetched only when needed.
      const names = referencesSchema(kept) ? await this.schemaNames(connection, command, graph, context) : undefined;
      return toQueryResult(reply, this.limits.maxRows, names);
    });
  }

  /** FalkorDB's execution plan, one line per operation (indented by depth). */
  explain(principal: Principal, graph: string, query: string): Promise<string[]> {
    return this.measured(() => this.explainNow(principal, graph, query));
  }

  private async explainNow(principal: Principal, graph: string, query: string): Promise<string[]> {
    assertReachable(principal, graph);
    this.tokenStore.assertInspectable(principal, graph);
    const context = this.context(principal, graph);
    const reply = await this.run(principal, context, (connection) => this.send(connection, explainArgs(graph, query), context));
    return asStrings(reply, 'GRAPH.EXPLAIN');
  }

  deleteGraph(principal: Principal, graph: string): Promise<void> {
    return this.measured(() => this.deleteGraphNow(principal, graph));
  }

  private async deleteGraphNow(principal: Principal, graph: string): Promise<void> {
    assertReachable(principal, graph);
    assertMayDeleteGraphs(principal);
    this.tokenStore.assertDeletable(principal, graph);
    const context = this.context(principal, graph);
    await this.run(principal, context, (connection) => this.send(connection, deleteArgs(graph), context));
  }

  /** Always GRAPH.RO_QUERY: reading the schema must never create a graph that does not exist. */
  schema(principal: Principal, graph: string): Promise<GraphSchema> {
    return this.measured(() => this.schemaNow(principal, graph));
  }

  private async schemaNow(principal: Principal, graph: string): Promise<GraphSchema> {
    assertReachable(principal, graph);
    this.tokenStore.assertInspectable(principal, graph);
    const context = this.context(principal, graph);
    const names = await this.run(principal, context, (connection) => this.schemaNames(connection, queryCommandOf(true), graph, context));
    return { labels: [...names.labels], relationshipTypes: [...names.relationshipTypes], propertyKeys: [...names.propertyKeys] };
  }

  /** `work` counted by outcome and timed (when metrics are counted); its answer or error unchanged. */
  private async measured<T>(work: () => Promise<T>): Promise<T> {
    if (!this.metrics) return work();
    const started = performance.now();
    try {
      const result = await work();
      this.metrics.graphQuery('ok', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      this.metrics.graphQuery(graphQueryOutcomeOf(error), (performance.now() - started) / 1000);
      throw error;
    }
  }

  /** The three procedures are sent together (pipelined on the one connection). */
  private async schemaNames(connection: UserConnection, command: QueryCommand, graph: string, context: GraphCallContext): Promise<SchemaNames> {
    const list = async (procedure: string): Promise<string[]> => {
      const reply = readCompactReply(await this.send(connection, queryArgs(command, graph, procedure, context.timeoutMs), context));
      return stringColumn(reply);
    };
    const [labels, relationshipTypes, propertyKeys] = await Promise.all([
      list(SCHEMA_PROCEDURES.labels),
      list(SCHEMA_PROCEDURES.relationshipTypes),
      list(SCHEMA_PROCEDURES.propertyKeys),
    ]);
    return { labels, relationshipTypes, propertyKeys };
  }

  /**
   * Runs `work` on the caller's connection once admitted (429 otherwise), and answers within the
   * time limit plus grace (504 past it). FalkorDB does not stop writes at their time limit, so a
   * late command keeps its connection and its admission slot until FalkorDB answers: the same
   * credential's next commands wait behind it instead of running beside it on a new connection (or,
   * once it is past its time limit, are refused at once with 429: they could only wait for a 504).
   * Only a command still unanswered `abandonConnectionAfterMs` later (a frozen server) has its
   * connection closed.
   */
  private async run<T>(principal: Principal, context: GraphCallContext, work: (connection: UserConnection) => Promise<T>): Promise<T> {
    const release = this.admission.admit(principal, context.timeoutMs);
    let used: UserConnection | undefined;
    const running = this.connections.run(principal, (connection) => {
      used = connection;
      return work(connection);
    });
    // One timer per request while FalkorDB answers in time: the abandonment gets its own only once the deadline passed.
    let abandon: NodeJS.Timeout | undefined;
    const settled = running.finally(() => {
      clearTimeout(abandon);
      release();
    });
    // Answered (or given up on) below; a late rejection must not go unhandled.
    settled.catch(() => undefined);
    try {
      return await withDeadline(settled, context.timeoutMs + this.limits.timeoutGraceMs, () => {
        abandon = setTimeout(() => {
          if (used?.isOpen) used.destroy();
        }, this.limits.abandonConnectionAfterMs);
        abandon.unref();
      });
    } catch (error) {
      throw toGraphError(error, context);
    }
  }

  /** One FalkorDB command; every rejection becomes a problem response (see toGraphError). */
  private async send(connection: UserConnection, args: string[], context: GraphCallContext): Promise<unknown> {
    try {
      return await connection.sendCommand(args, REPLY_TYPE_MAPPING);
    } catch (error) {
      throw toGraphError(error, context);
    }
  }

  private timeoutOf(requested: number | undefined): number {
    if (requested === undefined) return this.limits.defaultTimeoutMs;
    if (requested > this.limits.maxTimeoutMs) {
      throw ValidationFailedError.forField('timeoutMs', `timeoutMs must not exceed ${this.limits.maxTimeoutMs}`);
    }
    return requested;
  }

  private context(principal: Principal, graph: string, timeoutMs = this.limits.defaultTimeoutMs): GraphCallContext {
    return { graph, server: this.connections.serverOf(principal), timeoutMs };
  }
}
