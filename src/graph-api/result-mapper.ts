import { CompactValueType } from './compact-value-type';
import { GraphInteger, GraphNode, GraphPath, GraphRelationship, SchemaNames } from './graph-entities';
import { jsonObject, JsonValue } from './json-value';
import { parseQueryStats, QueryStats } from './query-stats';
import { formatDate, formatDuration, formatLocalDateTime, formatTime } from './temporal-values';

/** A `GRAPH.QUERY ... --compact` reply, split into its parts but with values still encoded. */
export interface CompactReply {
  columns: string[];
  rows: unknown[][];
  statLines: unknown[];
}

export interface QueryResult {
  columns: string[];
  /** One array per row, values in column order. */
  rows: JsonValue[][];
  stats: QueryStats;
  /** True when the query returned more rows than the row limit and the rest were dropped. */
  truncated: boolean;
}

/** FalkorDB answered in a shape this service does not understand (a protocol mismatch, not a user error). */
export class UnexpectedReplyError extends Error {
  constructor(what: string) {
    super(`Unexpected FalkorDB reply: ${what}`);
    this.name = 'UnexpectedReplyError';
  }
}

function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new UnexpectedReplyError(`${what} is not an array`);
  return value;
}

/**
 * Splits a compact reply: `[header, rows, stats]`, or just `[stats]` for a query that returns no
 * result set (e.g. a CREATE without RETURN). Header entries are `[columnType, name]`.
 */
export function readCompactReply(reply: unknown): CompactReply {
  const parts = asArray(reply, 'the reply');
  if (parts.length === 1) return { columns: [], rows: [], statLines: asArray(parts[0], 'the statistics') };
  if (parts.length !== 3) throw new UnexpectedReplyError(`the reply has ${parts.length} parts`);
  const columns = asArray(parts[0], 'the header').map((column) => String(asArray(column, 'a header entry')[1]));
  const rows = asArray(parts[1], 'the rows').map((row) => asArray(row, 'a row'));
  return { columns, rows, statLines: asArray(parts[2], 'the statistics') };
}

/** RESP integers arrive as decimal text (see REPLY_TYPE_MAPPING) so that large ones stay exact. */
export function toGraphInteger(raw: unknown): GraphInteger {
  if (typeof raw === 'number') return raw;
  const text = String(raw);
  if (!/^-?\d+$/.test(text)) throw new UnexpectedReplyError(`"${text}" is not an integer`);
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
}

/** FalkorDB prints doubles with %g: `inf`, `-inf` and `nan` have no JSON number, so they become text. */
function toDouble(raw: unknown): number | string {
  const text = String(raw).trim().toLowerCase();
  if (text === 'inf' || text === '+inf') return 'Infinity';
  if (text === '-inf') return '-Infinity';
  if (text === 'nan' || text === '-nan') return 'NaN';
  const value = Number(text);
  if (Number.isNaN(value)) throw new UnexpectedReplyError(`"${String(raw)}" is not a number`);
  return value;
}

function toSeconds(raw: unknown): number {
  return Number(toGraphInteger(raw));
}

function typeOf(tagged: unknown): [CompactValueType, unknown] {
  const [type, value] = asArray(tagged, 'a value');
  const code: CompactValueType = Number(type);
  return [code, value];
}

/** Whether any value in `rows` is a node, relationship or path, whose ids need SchemaNames. */
export function referencesSchema(rows: readonly unknown[][]): boolean {
  const visit = (tagged: unknown): boolean => {
    const [type, value] = typeOf(tagged);
    if (type === CompactValueType.Node || type === CompactValueType.Edge || type === CompactValueType.Path) return true;
    if (type === CompactValueType.Array) return asArray(value, 'a list').some(visit);
    if (type === CompactValueType.Map) return asArray(value, 'a map').some((item, index) => index % 2 === 1 && visit(item));
    return false;
  };
  return rows.some((row) => row.some(visit));
}

/** Decodes compact values into plain JSON, naming labels, types and keys from SchemaNames. */
class CompactValueDecoder {
  constructor(private readonly names: SchemaNames | undefined) {}

  value(tagged: unknown): JsonValue {
    const [type, value] = typeOf(tagged);
    switch (type) {
      case CompactValueType.Null:
        return null;
      case CompactValueType.String:
        return String(value);
      case CompactValueType.Integer:
        return toGraphInteger(value);
      case CompactValueType.Boolean:
        return value === 'true' || value === true;
      case CompactValueType.Double:
        return toDouble(value);
      case CompactValueType.Array:
        return asArray(value, 'a list').map((item) => this.value(item));
      case CompactValueType.Map:
        return this.map(asArray(value, 'a map'));
      case CompactValueType.Node:
        return this.node(value);
      case CompactValueType.Edge:
        return this.relationship(value);
      case CompactValueType.Path:
        return this.path(value);
      case CompactValueType.Point: {
        const [latitude, longitude] = asArray(value, 'a point');
        return { latitude: toDouble(latitude), longitude: toDouble(longitude) };
      }
      case CompactValueType.VectorF32:
        return asArray(value, 'a vector').map(toDouble);
      case CompactValueType.DateTime:
        return formatLocalDateTime(toSeconds(value));
      case CompactValueType.Date:
        return formatDate(toSeconds(value));
      case CompactValueType.Time:
        return formatTime(toSeconds(value));
      case CompactValueType.Duration:
        return formatDuration(toSeconds(value));
      default:
        throw new UnexpectedReplyError(`value type ${String(type)} is not supported`);
    }
  }

  private map(flat: unknown[]): Record<string, JsonValue> {
    const map = jsonObject();
    for (let index = 0; index + 1 < flat.length; index += 2) map[String(flat[index])] = this.value(flat[index + 1]);
    return map;
  }

  /** `[id, [labelId...], [[keyId, type, value]...]]` */
  private node(raw: unknown): GraphNode {
    const [id, labelIds, properties] = asArray(raw, 'a node');
    return {
      id: toGraphInteger(id),
      labels: asArray(labelIds, 'node labels').map((labelId) => this.name('labels', labelId)),
      properties: this.properties(properties),
    };
  }

  /** `[id, typeId, sourceId, destinationId, [[keyId, type, value]...]]` */
  private relationship(raw: unknown): GraphRelationship {
    const [id, typeId, sourceId, destinationId, properties] = asArray(raw, 'a relationship');
    return {
      id: toGraphInteger(id),
      type: this.name('relationshipTypes', typeId),
      sourceId: toGraphInteger(sourceId),
      destinationId: toGraphInteger(destinationId),
      properties: this.properties(properties),
    };
  }

  /** `[[Array, [[Node, node]...]], [Array, [[Edge, edge]...]]]` */
  private path(raw: unknown): GraphPath {
    const [nodes, relationships] = asArray(raw, 'a path').map((part) => asArray(typeOf(part)[1], 'path members'));
    return {
      nodes: nodes.map((tagged) => this.node(typeOf(tagged)[1])),
      relationships: relationships.map((tagged) => this.relationship(typeOf(tagged)[1])),
    };
  }

  private properties(raw: unknown): Record<string, JsonValue> {
    const properties = jsonObject();
    for (const entry of asArray(raw, 'properties')) {
      const [keyId, type, value] = asArray(entry, 'a property');
      properties[this.name('propertyKeys', keyId)] = this.value([type, value]);
    }
    return properties;
  }

  private name(kind: keyof SchemaNames, rawId: unknown): string {
    if (!this.names) throw new UnexpectedReplyError(`${kind} were not loaded for a reply that needs them`);
    const id = Number(rawId);
    // Schema ids only grow, and the names were read after the query ran; a gap means the graph was
    // deleted and re-created meanwhile: the id is shown rather than a wrong name.
    return this.names[kind][id] ?? `#${id}`;
  }
}

/**
 * The JSON result of a query: at most `maxRows` rows (then `truncated`), values decoded, and the
 * statistics as named numbers. `names` is needed only when `referencesSchema` says so.
 */
export function toQueryResult(reply: CompactReply, maxRows: number, names?: SchemaNames): QueryResult {
  const decoder = new CompactValueDecoder(names);
  return {
    columns: reply.columns,
    rows: reply.rows.slice(0, maxRows).map((row) => row.map((value) => decoder.value(value))),
    stats: parseQueryStats(reply.statLines),
    truncated: reply.rows.length > maxRows,
  };
}

/** The first column of a reply whose values are all strings, e.g. of `CALL db.labels()`. */
export function stringColumn(reply: CompactReply): string[] {
  const decoder = new CompactValueDecoder(undefined);
  return reply.rows.map((row) => {
    const value = decoder.value(row[0]);
    if (typeof value !== 'string') throw new UnexpectedReplyError('expected a column of strings');
    return value;
  });
}
