import { JsonValue } from './json-value';

/** Integers beyond ±(2^53-1) are given as decimal strings, so no digit is ever lost. */
export type GraphInteger = number | string;

// Type aliases rather than interfaces: only those are assignable to JsonValue's index signature.

/** A node as plain JSON. */
export type GraphNode = {
  id: GraphInteger;
  labels: string[];
  properties: Record<string, JsonValue>;
};

/** A relationship (edge) as plain JSON. */
export type GraphRelationship = {
  id: GraphInteger;
  type: string;
  sourceId: GraphInteger;
  destinationId: GraphInteger;
  properties: Record<string, JsonValue>;
};

/** A path: its nodes in order, and the relationships between them. */
export type GraphPath = {
  nodes: GraphNode[];
  relationships: GraphRelationship[];
};

/** What ids in a compact reply stand for: the graph's labels, relationship types and property keys, by id. */
export interface SchemaNames {
  labels: readonly string[];
  relationshipTypes: readonly string[];
  propertyKeys: readonly string[];
}
