import { RESP_TYPES } from '@redis/client';
import { assertGraphName } from './graph-name';

/**
 * FalkorDB commands as argument arrays. The graph name is always its own argument (checked against
 * GRAPH_NAME_PATTERN here too, whoever the caller is); nothing is ever spliced into a command string.
 */

export type QueryCommand = 'GRAPH.QUERY' | 'GRAPH.RO_QUERY';

/** Integers as text: the client would otherwise round those beyond 2^53. */
export const REPLY_TYPE_MAPPING = { typeMapping: { [RESP_TYPES.NUMBER]: String } } as const;

export const SCHEMA_PROCEDURES = {
  labels: 'CALL db.labels()',
  relationshipTypes: 'CALL db.relationshipTypes()',
  propertyKeys: 'CALL db.propertyKeys()',
} as const;

export function queryCommandOf(readOnly: boolean): QueryCommand {
  return readOnly ? 'GRAPH.RO_QUERY' : 'GRAPH.QUERY';
}

/** `--compact` replies carry every value's type; TIMEOUT lets FalkorDB stop a read that runs too long. */
export function queryArgs(command: QueryCommand, graph: string, cypher: string, timeoutMs: number): string[] {
  assertGraphName(graph);
  return [command, graph, cypher, '--compact', 'TIMEOUT', String(timeoutMs)];
}

export function explainArgs(graph: string, cypher: string): string[] {
  assertGraphName(graph);
  return ['GRAPH.EXPLAIN', graph, cypher];
}

export function deleteArgs(graph: string): string[] {
  assertGraphName(graph);
  return ['GRAPH.DELETE', graph];
}

export const LIST_ARGS: readonly string[] = ['GRAPH.LIST'];
