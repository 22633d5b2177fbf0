import { createClient } from '@redis/client';
import { ValidationFailedError } from '../common/domain-errors';
import { FalkorDbTestServer } from '../../test/support/falkordb-test-server';
import { MAX_PARAM_DEPTH, serializeParams, withParams } from './cypher-params';
import { REPLY_TYPE_MAPPING } from './graph-commands';
import { readCompactReply, toQueryResult } from './result-mapper';

function fieldsOf(work: () => unknown): Record<string, string[]> | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof ValidationFailedError) return error.fields;
    throw error;
  }
  return undefined;
}

describe('serializeParams', () => {
  it('writes each JSON type as a Cypher literal', () => {
    expect(
      serializeParams({ s: 'text', i: 42, neg: -7, f: 3.25, t: true, no: false, n: null, list: [1, 'a', [null]], map: { k: 1, nested: { j: [] } } }),
    ).toBe('s="text" i=42 neg=-7 f=3.25 t=true no=false n=null list=[1, "a", [null]] map={k: 1, nested: {j: []}}');
  });

  it('escapes only backslashes and double quotes; everything else is data inside the quotes', () => {
    expect(serializeParams({ s: 'a "b" \\ c \' d\n' })).toBe('s="a \\"b\\" \\\\ c \' d\n"');
    expect(serializeParams({ s: '\\' })).toBe('s="\\\\"');
    expect(serializeParams({ s: '" RETURN 1 //' })).toBe('s="\\" RETURN 1 //"');
  });

  it('never writes an integer literal that would overflow: large integral numbers become doubles', () => {
    expect(serializeParams({ a: 9007199254740991, b: 1e20, c: 1e21, d: 1e-7, e: -0 })).toBe('a=9007199254740991 b=1e+20 c=1e+21 d=1e-7 e=0');
  });

  it('leaves a query without parameters untouched', () => {
    expect(withParams('RETURN 1', undefined)).toBe('RETURN 1');
    expect(withParams('RETURN 1', {})).toBe('RETURN 1');
    expect(withParams('RETURN $x', { x: 1 })).toBe('CYPHER x=1 RETURN $x');
  });

  it.each([
    ['a name with a space', { 'a b': 1 }, 'params.a b'],
    ['a name that tries to add a clause', { 'x=1 RETURN 1 //': 1 }, 'params.x=1 RETURN 1 //'],
    ['a name starting with a digit', { '1x': 1 }, 'params.1x'],
    ['an empty name', { '': 1 }, 'params.'],
    ['a hostile map key', { m: { 'k}) RETURN 1 //': 1 } }, 'params.m.k}) RETURN 1 //'],
    ['a hostile key deep in a list', { l: [0, { 'a-b': 1 }] }, 'params.l[1].a-b'],
    ['NaN', { x: Number.NaN }, 'params.x'],
    ['Infinity', { x: Number.POSITIVE_INFINITY }, 'params.x'],
    ['undefined', { x: undefined }, 'params.x'],
    ['a bigint', { x: BigInt(1) }, 'params.x'],
    ['a function', { x: () => 1 }, 'params.x'],
    ['a Date', { x: new Date() }, 'params.x'],
    ['a class instance', { x: new (class Point {})() }, 'params.x'],
    ['a NUL in a string', { x: 'a\u0000b' }, 'params.x'],
    ['a NUL deep in a list', { x: [['a\u0000']] }, 'params.x[0][0]'],
  ])('refuses %s, naming the field', (_what, params, field) => {
    const fields = fieldsOf(() => serializeParams(params));
    expect(Object.keys(fields ?? {})).toEqual([field]);
  });

  it(`refuses values nested deeper than ${MAX_PARAM_DEPTH} levels`, () => {
    const nest = (levels: number): unknown => (levels === 0 ? 1 : [nest(levels - 1)]);
    expect(() => serializeParams({ ok: nest(MAX_PARAM_DEPTH) })).not.toThrow();
    expect(fieldsOf(() => serializeParams({ deep: nest(MAX_PARAM_DEPTH + 1) }))).toBeDefined();
  });

  it('refuses params that are not an object', () => {
    expect(fieldsOf(() => serializeParams([1] as unknown as Record<string, unknown>))).toHaveProperty(['params']);
  });
});

describe('serializeParams against a real FalkorDB', () => {
  let server: FalkorDbTestServer;
  let client: ReturnType<typeof createClient>;

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    client = createClient({ socket: { host: '127.0.0.1', port: server.port, reconnectStrategy: false } });
    await client.connect();
  });

  afterAll(async () => {
    client?.destroy();
    await server?.destroy();
  });

  const roundTrip = async (value: unknown): Promise<unknown> => {
    const cypher = withParams('RETURN $value AS value', { value });
    const reply = await client.sendCommand(['GRAPH.QUERY', 'params', cypher, '--compact'], REPLY_TYPE_MAPPING);
    return toQueryResult(readCompactReply(reply), 1).rows[0][0];
  };

  it.each([
    ['double quotes', 'say "hi"'],
    ['an apostrophe', "it's"],
    ['backslashes', 'C:\\path\\ and \\" and \\\\'],
    ['an escape sequence that must stay literal', 'not a newline: \\n'],
    ['a newline, a tab and a carriage return', 'line1\nline2\tx\ry'],
    ['unicode', 'ünïcödé 😀 中文'],
    ['text that looks like Cypher', '" }) MATCH (n) DETACH DELETE n //'],
    ['an empty string', ''],
    ['a large integer', 9007199254740991],
    ['a negative integer', -42],
    ['a double', 0.1],
    ['a tiny double', 1e-7],
    ['a huge double', 1e21],
    ['true', true],
    ['false', false],
    ['null', null],
    ['a list of everything', [1, 'two', 3.5, null, false, [[]], { k: 'v' }]],
    ['a nested map', { name: 'x', nested: { deep: [true, { deeper: 'y"\\' }] }, empty: {} }],
  ])('round-trips %s', async (_what, value) => {
    expect(await roundTrip(value)).toEqual(value);
  });
});
