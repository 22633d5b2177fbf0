import { createClient } from '@redis/client';
import { FalkorDbTestServer } from '../../test/support/falkordb-test-server';
import { CompactValueType } from './compact-value-type';
import { SchemaNames } from './graph-entities';
import { REPLY_TYPE_MAPPING, SCHEMA_PROCEDURES } from './graph-commands';
import { parseQueryStats } from './query-stats';
import { CompactReply, readCompactReply, referencesSchema, stringColumn, toQueryResult, UnexpectedReplyError } from './result-mapper';
import { formatDate, formatDuration, formatLocalDateTime, formatTime } from './temporal-values';

describe('result mapper on replies from a real FalkorDB', () => {
  let server: FalkorDbTestServer;
  let client: ReturnType<typeof createClient>;

  const compact = async (cypher: string): Promise<CompactReply> =>
    readCompactReply(await client.sendCommand(['GRAPH.QUERY', 'mapper', cypher, '--compact'], REPLY_TYPE_MAPPING));

  const schemaNames = async (): Promise<SchemaNames> => ({
    labels: stringColumn(await compact(SCHEMA_PROCEDURES.labels)),
    relationshipTypes: stringColumn(await compact(SCHEMA_PROCEDURES.relationshipTypes)),
    propertyKeys: stringColumn(await compact(SCHEMA_PROCEDURES.propertyKeys)),
  });

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    client = createClient({ socket: { host: '127.0.0.1', port: server.port, reconnectStrategy: false } });
    await client.connect();
    await compact(`CREATE (:Person {name: 'Alice', age: 33, scores: [1, 2.5]})-[:KNOWS {since: 2020}]->(:Person:Developer {name: 'Bob'})`);
  });

  afterAll(async () => {
    client?.destroy();
    await server?.destroy();
  });

  it('maps nodes, relationships and paths to plain JSON, naming labels, types and keys', async () => {
    const reply = await compact('MATCH p = (a)-[r:KNOWS]->(b) RETURN a, r, b, p, [a] AS list, {who: b} AS map');
    expect(referencesSchema(reply.rows)).toBe(true);
    const [a, r, b, p, list, map] = toQueryResult(reply, 10, await schemaNames()).rows[0];
    expect(a).toEqual({ id: 0, labels: ['Person'], properties: { name: 'Alice', age: 33, scores: [1, 2.5] } });
    expect(b).toEqual({ id: 1, labels: ['Person', 'Developer'], properties: { name: 'Bob' } });
    expect(r).toEqual({ id: 0, type: 'KNOWS', sourceId: 0, destinationId: 1, properties: { since: 2020 } });
    expect(p).toEqual({ nodes: [a, b], relationships: [r] });
    expect(list).toEqual([a]);
    expect(map).toEqual({ who: b });
    // Plain data: what JSON.stringify makes of it is all there is.
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('needs no schema names for scalar results', async () => {
    const reply = await compact("RETURN 1 AS one, 'x' AS text, [1, {k: 2}] AS nested");
    expect(referencesSchema(reply.rows)).toBe(false);
    expect(toQueryResult(reply, 10)).toEqual({
      columns: ['one', 'text', 'nested'],
      rows: [[1, 'x', [1, { k: 2 }]]],
      stats: expect.objectContaining({ cachedExecution: expect.any(Number), queryInternalExecutionTimeMs: expect.any(Number) }),
      truncated: false,
    });
  });

  it('maps every scalar type', async () => {
    const reply = await compact(`RETURN null, true, false, -3, 2.5, 1.0 / 0, -1.0 / 0, 9223372036854775807, -9223372036854775807,
      point({latitude: 1.5, longitude: -2.25}), vecf32([1.5, 2]), date('2024-01-02'), localdatetime('2024-01-02T03:04:05'),
      localtime('23:59:58'), duration('P1Y2M3DT4H5M6S'), duration('PT0S')`);
    expect(toQueryResult(reply, 1).rows[0]).toEqual([
      null, true, false, -3, 2.5, 'Infinity', '-Infinity', '9223372036854775807', '-9223372036854775807',
      { latitude: 1.5, longitude: -2.25 }, [1.5, 2], '2024-01-02', '2024-01-02T03:04:05', '23:59:58', 'P1Y2M3DT4H5M6S', 'PT0S',
    ]);
  });

  it('keeps a map key or property named __proto__ as data', async () => {
    const [[map]] = toQueryResult(await compact('RETURN {`__proto__`: 1, constructor: 2} AS m'), 1).rows as Array<Array<Record<string, unknown>>>;
    expect(Object.keys(map)).toEqual(['__proto__', 'constructor']);
    expect(map.__proto__).toBe(1);
    expect(JSON.parse(JSON.stringify(map))).toEqual(JSON.parse('{"__proto__": 1, "constructor": 2}'));
  });

  it('keeps at most maxRows rows and says when it dropped some', async () => {
    const reply = await compact('UNWIND range(1, 5) AS x RETURN x');
    expect(toQueryResult(reply, 3)).toMatchObject({ rows: [[1], [2], [3]], truncated: true });
    expect(toQueryResult(reply, 5)).toMatchObject({ truncated: false });
  });

  it('reads a reply without a result set, with write statistics', async () => {
    const result = toQueryResult(await compact("CREATE (:Temp {a: 1, b: 'x'})"), 10);
    expect(result).toMatchObject({ columns: [], rows: [], truncated: false });
    expect(result.stats).toMatchObject({ labelsAdded: 1, nodesCreated: 1, propertiesSet: 2 });
  });
});

describe('result mapper on malformed or surprising replies', () => {
  const node = (labelId: number) => [String(CompactValueType.Node), ['7', [String(labelId)], []]];

  it('shows an id it cannot name instead of a wrong name', () => {
    const reply: CompactReply = { columns: ['n'], rows: [[node(5)]], statLines: [] };
    expect(toQueryResult(reply, 1, { labels: ['A'], relationshipTypes: [], propertyKeys: [] }).rows).toEqual([
      [{ id: 7, labels: ['#5'], properties: {} }],
    ]);
  });

  it('refuses replies it does not understand with UnexpectedReplyError', () => {
    expect(() => readCompactReply('OK')).toThrow(UnexpectedReplyError);
    expect(() => readCompactReply([[], []])).toThrow(UnexpectedReplyError);
    expect(() => toQueryResult({ columns: ['x'], rows: [[['99', 'x']]], statLines: [] }, 1)).toThrow(UnexpectedReplyError);
    expect(() => toQueryResult({ columns: ['n'], rows: [[node(0)]], statLines: [] }, 1)).toThrow(UnexpectedReplyError);
  });
});

describe('parseQueryStats', () => {
  it('camelCases the labels, parses numbers and marks milliseconds', () => {
    expect(
      parseQueryStats([
        'Labels added: 1',
        'Nodes created: 2',
        'Relationships deleted: 0',
        'Cached execution: 1',
        'Query internal execution time: 0.455026 milliseconds',
        'Something new: not a number',
        42,
      ]),
    ).toEqual({
      labelsAdded: 1,
      nodesCreated: 2,
      relationshipsDeleted: 0,
      cachedExecution: 1,
      queryInternalExecutionTimeMs: 0.455026,
      somethingNew: 'not a number',
    });
  });
});

describe('temporal values', () => {
  it('formats FalkorDB epoch seconds as ISO 8601', () => {
    expect(formatLocalDateTime(1704164645)).toBe('2024-01-02T03:04:05');
    expect(formatDate(1704153600)).toBe('2024-01-02');
    // FalkorDB anchors a time of day on 1900-01-01: only the time of day counts.
    expect(formatTime(-2208977755)).toBe('03:04:05');
    expect(formatDuration(36907506)).toBe('P1Y2M3DT4H5M6S');
    expect(formatDuration(90)).toBe('PT1M30S');
    expect(formatDuration(86400 * 3)).toBe('P3D');
    expect(formatDuration(0)).toBe('PT0S');
    expect(formatDuration(-5)).toBe('-PT5S');
  });

  it('returns seconds unchanged when no Date can hold them', () => {
    expect(formatLocalDateTime(1e15)).toBe(1e15);
    expect(formatDate(-1e15)).toBe(-1e15);
  });
});
