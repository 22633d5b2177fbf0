import { createHmac } from 'node:crypto';
import { Agent, IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import * as fc from 'fast-check';
import request from 'supertest';
import { AuditEventAggregator } from '../src/audit/audit-event-aggregator';
import { PAT_AUDIENCE, SESSION_AUDIENCE } from '../src/auth/auth-settings';
import { bearer, logIn, mintToken } from './support/api';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { startTestApp, TestApp, TEST_SECRETS } from './support/test-app';

/*
 * Fuzz-style tests: random and malformed bodies, headers, path parameters and tokens at every
 * endpoint. Whatever arrives, the answer is a 4xx problem+json (never a 5xx), the process keeps
 * serving, and the stored data is exactly what it was before.
 *
 * TRUST_PROXY=true and a distinct X-Forwarded-For per request make each request a different client,
 * so the brute-force limiter (a 4xx, accepted) does not stop most runs before validation.
 * FUZZ_RUNS_FACTOR scales the runs per property (200 by default); FUZZ_SEED replays a run
 * (fast-check prints the seed and path of any failure).
 */

const RUNS = Math.max(1, Math.round(200 * Number(process.env.FUZZ_RUNS_FACTOR ?? 1)));
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** `examples` always run first: known-nasty cases that must never depend on the random draw. */
const fuzzOptions = <T>(numRuns = RUNS, examples: T[] = []): fc.Parameters<[T]> => ({
  numRuns,
  examples: examples.map((example): [T] => [example]),
  ...(SEED === undefined ? {} : { seed: SEED }),
});

const DEEP_ARRAY = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(6000)}1${'}'.repeat(6000)}`;
/** Bodies that once broke the service (stack overflow -> 500, unknown keys accepted) or try prototype pollution. */
const NASTY_BODIES: Body[] = [
  { contentType: 'application/json', body: `{"name":${DEEP_ARRAY}}` },
  { contentType: 'application/json', body: `{"username":${DEEP_OBJECT},"password":"x","name":"n"}` },
  { contentType: 'application/json', body: DEEP_ARRAY },
  { contentType: 'application/json', body: '{"__proto__":{"polluted":true},"name":"n"}' },
  { contentType: 'application/json', body: '{"constructor":{"prototype":{"polluted":true}},"name":"n"}' },
  // Keys naming Object.prototype members once slipped past the unknown-field check (a token was minted).
  { contentType: 'application/json', body: '{"hasOwnProperty":"x","name":"n"}' },
  { contentType: 'application/json', body: '{"constructor":"x","name":"n"}' },
  { contentType: 'application/json', body: '{"isPrototypeOf":1,"__defineGetter__":2,"name":"n"}' },
  // Nest's pipe silently deleted `prototype` (a token was minted); a lone surrogate was stored as U+FFFD.
  { contentType: 'application/json', body: '{"prototype":"x","name":"n"}' },
  { contentType: 'application/json', body: '{"name":"\\ud800"}' },
  { contentType: 'text/plain', body: '{"name":"n"}' },
  { contentType: 'application/x-www-form-urlencoded', body: 'name=n&__proto__[polluted]=true&constructor[prototype][polluted]=true' },
];

// ---------------------------------------------------------------------------------------------
// A raw HTTP client: full control over method, path bytes, headers and body (supertest would add
// its own content types and serialisation).

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

interface Received {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 2 });
const REQUEST_TIMEOUT_MS = 15_000;

let clientCounter = 0;
/** A new client address per request (the app trusts X-Forwarded-For in this suite). */
function nextClient(): string {
  clientCounter += 1;
  return `10.${(clientCounter >> 16) & 255}.${(clientCounter >> 8) & 255}.${clientCounter & 255}`;
}

function send(port: number, sent: Sent): Promise<Received> {
  const headers: Record<string, string | number> = { 'X-Forwarded-For': nextClient(), ...sent.headers };
  if (sent.body !== undefined) headers['Content-Length'] = Buffer.byteLength(sent.body);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: sent.method, path: sent.path, headers, agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    outgoing.setTimeout(REQUEST_TIMEOUT_MS, () => outgoing.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS} ms`)));
    outgoing.on('error', reject);
    outgoing.end(sent.body);
  });
}

/**
 * Node's HTTP server refuses more than 16 KiB of headers itself (431, then it closes the socket while
 * the client may still be writing: a reset). That is the transport's limit, not the app's, so
 * generated requests stay under it.
 */
function fitsInHeaders(sent: Sent): boolean {
  const bytes = Object.entries(sent.headers).reduce((sum, [name, value]) => sum + name.length + Buffer.byteLength(value, 'latin1') + 4, 0);
  return bytes + sent.path.length < 14_000;
}

/**
 * Asking for TLS to the (plain TCP) test server: the handshake fails and the service answers 503
 * "FalkorDB server ... cannot be reached" (FALKORDB_UNREACHABLE). Accepted only for such a request.
 */
function isTlsMismatch(sent: Sent, received: Received): boolean {
  if (received.status !== 503 || sent.body === undefined) return false;
  try {
    const body = JSON.parse(String(sent.body)) as { tls?: unknown };
    return (body.tls === true || body.tls === 'true') && (JSON.parse(received.text) as { code?: string }).code === 'FALKORDB_UNREACHABLE';
  } catch {
    return false;
  }
}

function describeSent(sent: Sent): string {
  const body = sent.body === undefined ? '' : ` body=${JSON.stringify(String(sent.body).slice(0, 200))}`;
  return `${sent.method} ${sent.path.slice(0, 200)} headers=${JSON.stringify(sent.headers).slice(0, 400)}${body}`;
}

/** The property every fuzzed request must satisfy: a 4xx with an RFC 9457 body (+ `message`). */
function expectProblem(sent: Sent, received: Received): void {
  const where = `${describeSent(sent)}\n  -> ${received.status} ${received.text.slice(0, 400)}`;
  if (received.status < 400 || received.status >= 500) throw new Error(`expected a 4xx, got ${received.status}: ${where}`);
  if (!/^application\/problem\+json/.test(String(received.headers['content-type']))) {
    throw new Error(`expected application/problem+json, got ${String(received.headers['content-type'])}: ${where}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(received.text);
  } catch {
    throw new Error(`problem body is not JSON: ${where}`);
  }
  const problem = body as Record<string, unknown> | null;
  if (
    !problem ||
    typeof problem !== 'object' ||
    typeof problem.type !== 'string' ||
    typeof problem.title !== 'string' ||
    problem.status !== received.status ||
    typeof problem.detail !== 'string' ||
    problem.message !== problem.detail
  ) {
    throw new Error(`not a problem details object {type, title, status, detail, message}: ${where}`);
  }
  const requestId = received.headers['x-request-id'];
  if (typeof requestId !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(requestId)) {
    throw new Error(`missing or unsafe X-Request-Id ${JSON.stringify(requestId)}: ${where}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Generators.

const NASTY_STRINGS = [
  '', ' ', '\t', '\u0000', 'a\u0000b', '\u0000default', 'default\u0000', '\u202Eevil', '\uFEFF', '\u00A0',
  '𝕏𝕐', '👩‍👩‍👧‍👦', 'é', 'ｄｅｆａｕｌｔ', 'DEFAULT', 'Default',
  "' OR '1'='1", "'; DETACH DELETE n //", '"}) RETURN 1 //', '$token_id', '{{7*7}}', '${7*7}', '`rm -rf`',
  '\r\nAUTH default x\r\n', '*1\r\n$4\r\nPING\r\n', 'FLUSHALL', '../../../etc/passwd', '..\\..\\boot.ini', '%00', '%',
  '__proto__', 'constructor', 'prototype', 'null', 'undefined', 'NaN', 'Infinity', '-1', '0', '1e309', '6379', '65536',
  'true', 'false', '<script>alert(1)</script>', 'localhost', '127.0.0.1', '169.254.169.254', '[::1]', 'localhost:6379',
  '1761055513181-215c579b', '9999999999999-ffffffff', '2000-01-01T00:00:00Z', '2999-13-45T99:99:99Z', 'P30D',
  'x'.repeat(101), 'x'.repeat(257), 'y'.repeat(1025), 'é'.repeat(3000),
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 400 }) },
);

const numberLike = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 1.5, 65535, 65536, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e21, Number.MIN_VALUE),
);
const scalar: fc.Arbitrary<unknown> = fc.oneof(hostileString, numberLike, fc.boolean(), fc.constant(null));

/** JSON text of one value: wrong types, odd numbers, nesting, lone surrogates, pollution attempts. */
const valueText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: scalar.map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 5 }).map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '"a\\u0000b"', '1e400', '-1e400', '-0', '123456789012345678901234567890',
      '0.000000000000000000001', '[]', '{}', '[[[[[[[[[[]]]]]]]]]]', '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}', '{"toString":1,"valueOf":2,"hasOwnProperty":3}',
      // Deep nesting, close to the body limit: recursive transformers must not overflow the stack.
      DEEP_ARRAY,
      DEEP_OBJECT,
    ),
  },
);

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString', 'hasOwnProperty'];
const EXTRA_KEYS = ['role', 'isAdmin', 'admin', 'user_id', 'token_id', 'tokenId', 'revoked', 'password_enc', 'token_hash', ''];

function objectText(entries: [string, string][]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

/** A JSON object text with the real field names (and others) holding anything, duplicates allowed. */
function fieldsObjectText(fields: readonly string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...fields) },
    { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_KEYS) },
    { weight: 1, arbitrary: fc.constantFrom(...EXTRA_KEYS) },
    { weight: 1, arbitrary: hostileString },
  );
  return fc.array(fc.tuple(key, valueText), { maxLength: 10 }).map(objectText);
}

const headerChar = fc
  .oneof({ weight: 9, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) }, { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) })
  .map((code) => String.fromCharCode(code));
/** Any value Node's HTTP client can put in a header (printable ASCII, tab-free, some Latin-1). */
const headerValue = fc.oneof(
  fc.string({ unit: headerChar, maxLength: 120 }),
  fc.constantFrom('', ' ', ';', '=', '%', '%00', '%E0%A4%A', 'null', 'x'.repeat(4000)),
);

const CONTENT_TYPES = [
  'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz',
  'application/xml', 'application/octet-stream', 'application/json; charset=utf-16', 'application/json; charset=latin1',
  'application/jsonx', 'application/vnd.api+json', 'application/problem+json', '*/*', 'json', 'application/', '',
];

interface Body {
  contentType?: string;
  body?: string | Buffer;
}

/** A request body: JSON objects with the real fields, any JSON, broken JSON, wrong or no content types. */
function bodyArb(fields: readonly string[], shaped: fc.Arbitrary<string> = fieldsObjectText(fields)): fc.Arbitrary<Body> {
  const json = 'application/json';
  return fc.oneof(
    { weight: 8, arbitrary: shaped.map((body) => ({ contentType: json, body })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ contentType: json, body: JSON.stringify(value) ?? 'null' })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          shaped.chain((text) => fc.nat(text.length).map((cut) => text.slice(0, cut))),
          hostileString,
          fc.constantFrom('{', '}', '{"name":}', "{'name':'x'}", '{"name":"x",}', 'NaN', '\uFEFF{}', '{"a":1}{"b":2}', 'null', '"str"', '\u0000'),
        )
        .map((body) => ({ contentType: json, body })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          contentType: fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerValue),
          body: fc.oneof(shaped, hostileString, fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes))),
        })
        .map(({ contentType, body }) => ({ contentType, body })),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ contentType: json, body: Buffer.from(bytes) })) },
    { weight: 1, arbitrary: fc.constantFrom<Body>({}, { contentType: json }, { contentType: json, body: '' }, { body: '{}' }) },
    // Over the 64 KiB body limit.
    { weight: 1, arbitrary: fc.integer({ min: 65_537, max: 70_000 }).map((size) => ({ contentType: json, body: `{"name":"${'x'.repeat(size)}"}` })) },
  );
}

function withBody(headers: Record<string, string>, body: Body): Pick<Sent, 'headers' | 'body'> {
  return { headers: body.contentType === undefined ? headers : { ...headers, 'Content-Type': body.contentType }, body: body.body };
}

/** The parsed JSON object of a body, if the body is one (whatever its content type says). */
function parsedObject(body: Body): Record<string, unknown> | undefined {
  if (body.body === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(String(body.body));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const base64url = (value: string | object): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** What the suite knows about the running service, for generators that need real values. */
interface Known {
  port: number;
  patKid: string;
  controlTokenId: string;
  controlUserId: string;
  controlToken: string;
  sessionJwt: string;
}

/** Structurally valid JWTs with hostile headers and claims, signed in every way but the right one. */
function jwtArb(known: Known): fc.Arbitrary<string> {
  const now = Math.floor(Date.now() / 1000);
  const anyJson = fc.oneof(hostileString, numberLike, fc.jsonValue({ maxDepth: 2 }));
  const header = fc.record(
    {
      alg: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('none', 'None', 'NONE', 'HS256', 'HS384', 'HS512', 'RS256', 'ES256', 'PS256', 'EdDSA', '') },
        { weight: 1, arbitrary: anyJson },
      ),
      typ: fc.constantFrom('JWT', 'jwt', 'at+jwt', 'pat', 'session'),
      kid: fc.oneof(
        fc.constantFrom(known.patKid, '../../../../../../etc/passwd', '/dev/null', '..\\..\\..\\windows\\win.ini', "' OR '1'='1", '', 'session'),
        anyJson,
      ),
      jku: fc.constant('http://169.254.169.254/jwks.json'),
      jwk: fc.constant({ kty: 'oct', k: base64url('attacker-chosen-key-0123456789abcdef') }),
      crit: fc.constant(['exp']),
    },
    { requiredKeys: ['alg'] },
  );
  const claims = fc.record(
    {
      iss: fc.oneof(fc.constant('falkordb-pat'), anyJson),
      aud: fc.oneof(fc.constantFrom<unknown>(PAT_AUDIENCE, SESSION_AUDIENCE, [PAT_AUDIENCE, SESSION_AUDIENCE], [SESSION_AUDIENCE]), anyJson),
      typ: fc.oneof(fc.constantFrom('pat', 'session', 'PAT'), anyJson),
      sub: fc.oneof(fc.constant(known.controlUserId), anyJson),
      jti: fc.oneof(fc.constantFrom(known.controlTokenId, `${known.controlTokenId} `, '9999999999999-ffffffff'), anyJson),
      exp: fc.oneof(fc.constantFrom(now + 3600, now - 3600, 0, -1, 1e300, 2 ** 53), anyJson),
      nbf: fc.oneof(fc.constantFrom(now - 60, now + 3600), anyJson),
      iat: fc.oneof(fc.constantFrom(now, now + 86_400), anyJson),
    },
    { requiredKeys: [] },
  );
  const signing = fc.constantFrom('empty', 'random', 'pat-secret-hs256', 'pat-secret-hs512', 'session-secret', 'guessed', 'control');
  const structured = fc
    .record({ header, claims, signing, random: fc.string({ unit: 'grapheme-ascii', maxLength: 90 }) })
    .map(({ header: h, claims: c, signing: how, random }) => {
      const unsigned = `${base64url(h)}.${base64url(c)}`;
      const hmac = (algorithm: string, secret: string) => createHmac(algorithm, secret).update(unsigned).digest('base64url');
      const signature = {
        empty: '',
        random: base64url(random),
        // The right key but a token the store never issued: its hash cannot match.
        'pat-secret-hs256': hmac('sha256', TEST_SECRETS.JWT_SECRET),
        'pat-secret-hs512': hmac('sha512', TEST_SECRETS.JWT_SECRET),
        // Type confusion: a session-key signature presented as a PAT (or the other way round).
        'session-secret': hmac('sha256', TEST_SECRETS.SESSION_SECRET),
        guessed: hmac('sha256', 'secret'),
        control: known.controlToken.split('.')[2],
      }[how];
      return `${unsigned}.${signature}`;
    });
  const tampered = fc
    .tuple(fc.constantFrom(known.controlToken, known.sessionJwt), fc.nat(), fc.constantFrom('A', 'B', '_', '-', '.', ''))
    .map(([token, at, replacement]) => {
      const index = at % token.length;
      const next = token.slice(0, index) + replacement + token.slice(index + 1);
      return next === token ? `${token}x` : next;
    });
  const dotted = fc.array(fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), fc.constant('')), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.'));
  return fc.oneof({ weight: 6, arbitrary: structured }, { weight: 2, arbitrary: tampered }, { weight: 1, arbitrary: dotted });
}

/** Authorization headers: garbage, wrong schemes, hostile JWTs, credentials of the wrong type. */
function authorizationArb(known: Known): fc.Arbitrary<string> {
  const jwt = jwtArb(known);
  return fc.oneof(
    { weight: 2, arbitrary: headerValue },
    { weight: 2, arbitrary: headerValue.map((value) => `Bearer ${value}`) },
    { weight: 5, arbitrary: jwt.map((token) => `Bearer ${token}`) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('bearer', 'BEARER', 'Bearer  ', 'Token', 'Basic', 'JWT', 'Bearer\t'), jwt).map(([scheme, token]) => `${scheme} ${token}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Bearer', 'Bearer ', 'Bearer a.b.c', 'Bearer ...', 'Basic ZGVmYXVsdDo=', `Bearer ${known.sessionJwt}`,
        `Bearer ${known.controlToken}.${known.controlToken}`, `Bearer ${known.controlToken} extra`, `Bearer "${known.controlToken}"`,
      ),
    },
  );
}

/** Cookie headers: garbage, broken encodings, forged or wrong-type session cookies. */
function cookieArb(known: Known): fc.Arbitrary<string> {
  const jwt = jwtArb(known);
  const name = fc.constantFrom('falkordb_session', 'FALKORDB_SESSION', 'falkordb_session ', 'session', '');
  return fc.oneof(
    { weight: 2, arbitrary: headerValue },
    { weight: 4, arbitrary: fc.tuple(name, fc.oneof(jwt, headerValue)).map(([cookie, value]) => `${cookie}=${value}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'falkordb_session=%E0%A4%A', 'falkordb_session=', 'falkordb_session', '=;=;=', `falkordb_session=${known.controlToken}`,
        `falkordb_session="${known.sessionJwt}"`, `falkordb_session=${encodeURIComponent(known.sessionJwt)}x`,
        `falkordb_session=x; falkordb_session=${known.controlToken}`,
      ),
    },
    { weight: 1, arbitrary: fc.array(fc.tuple(headerValue, headerValue), { maxLength: 5 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('; ')) },
  );
}

const pathSafeChar = fc
  .integer({ min: 0x21, max: 0x7e })
  .filter((code) => code !== 0x3f && code !== 0x23 && code !== 0x2f) // ?, # and / would change the route itself
  .map((code) => String.fromCharCode(code));

/** One path segment, as it travels on the wire: encoded, raw, broken percent-encoding, traversal. */
const pathSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileString.map((value) => encodeURIComponent(value)) },
  { weight: 2, arbitrary: fc.string({ unit: pathSafeChar, minLength: 1, maxLength: 60 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '%', '%%', '%E0%A4%A', '%ZZ', '%00', '%2e%2e', '..', '.', '%2F', 'a%2Fb', '%C0%AF', '%ff', '%u0041', '~', ';', "'",
      '%20', '%0D%0A', 'x'.repeat(2000), '1761055513181-215c579b', '1761055513181-215C579B', '1761055513181-215c579b%00',
      '0000000000000-00000000', '%31761055513181-215c579b', '17610555131810-215c579b',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.bigInt({ min: 0n, max: 9_999_999_999_999n }), fc.integer({ min: 0, max: 0xffffffff }))
      .map(([ms, hex]) => `${ms.toString().padStart(13, '0')}-${hex.toString(16).padStart(8, '0')}`),
  },
);

const decodedOrRaw = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

// ---------------------------------------------------------------------------------------------

describe('fuzzing every endpoint (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;
  let port: number;
  let known: Known;
  let readerToken: string;
  let sessionCookie: string;
  let before: unknown;
  let graphApiMounted = false;
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  /**
   * Everything in the token graph, the graphs and keys on the server, and its ACL users. Not the
   * audit log (refused requests are recorded there, as they should be), what a token records of
   * its use (recent addresses: every fuzzed request comes from a new one), nor the shared
   * failure counts and Admin confirmations (every refused login is counted, as it should be).
   */
  async function snapshot(): Promise<unknown> {
    const rows = async (query: string) => ((await server.command(['GRAPH.QUERY', 'token_management', query])) as unknown[]).slice(0, 2);
    const usage = ['last_used', 'last_used_order', 'last_used_ip', 'last_used_user_agent', 'recent_ips', 'new_ip_at'].map((key) => `'${key}'`).join(', ');
    return {
      nodes: await rows(
        `MATCH (n) WHERE NOT n:AuditEvent RETURN labels(n), [key IN keys(n) WHERE NOT key IN [${usage}] | [key, n[key]]] ORDER BY id(n)`,
      ),
      edges: await rows('MATCH (a)-[r]->(b) WHERE NOT a:AuditEvent RETURN type(r), id(a), id(b), properties(r) ORDER BY id(r)'),
      fuzzGraph: ((await server.command(['GRAPH.QUERY', 'fuzz_graph', 'MATCH (n) RETURN labels(n), properties(n) ORDER BY id(n)'])) as unknown[]).slice(0, 2),
      graphs: ((await server.command(['GRAPH.LIST'])) as string[]).sort(),
      // FalkorDB's own per-graph `telemetry{...}` streams come and go with queries; they hold no data of ours.
      keys: ((await server.command(['KEYS', '*'])) as string[])
        .filter((key) => !key.startsWith('telemetry{') && !/^falkordb-pat:token_management:(failures|admin-role):/.test(key))
        .sort(),
      users: ((await server.command(['ACL', 'LIST'])) as string[]).sort(),
    };
  }

  /** The process still serves: the control token lists, readiness is green. */
  async function expectStillServing(): Promise<void> {
    const listed = await send(port, { method: 'GET', path: '/api/auth/tokens', headers: { Authorization: `Bearer ${known.controlToken}` } });
    expect(listed.status).toBe(200);
    const ready = await send(port, { method: 'GET', path: '/health/ready', headers: {} });
    expect(ready.status).toBe(200);
  }

  /** Runs a property over generated requests and tallies the statuses (to check runs reach deep enough). */
  async function fuzz<T>(
    arbitrary: fc.Arbitrary<T>,
    toRequest: (value: T) => Sent | undefined,
    numRuns = RUNS,
    examples: T[] = [],
  ): Promise<Map<number, number>> {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        const sent = toRequest(value);
        fc.pre(sent !== undefined && fitsInHeaders(sent));
        const received = await send(port, sent);
        statuses.set(received.status, (statuses.get(received.status) ?? 0) + 1);
        if (isTlsMismatch(sent, received)) return;
        expectProblem(sent, received);
      }),
      fuzzOptions(numRuns, examples),
    );
    await expectStillServing();
    if (process.env.FUZZ_DEBUG) console.log(expect.getState().currentTestName, Object.fromEntries(statuses));
    return statuses;
  }

  const total = (statuses: Map<number, number>) => [...statuses.values()].reduce((sum, count) => sum + count, 0);
  /** Most runs must get past the brute-force limiter to the code under test. */
  const expectMostlyReachedValidation = (statuses: Map<number, number>) => {
    expect(statuses.get(429) ?? 0).toBeLessThanOrEqual(total(statuses) * 0.2);
  };

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    app = await startTestApp({ FALKORDB_URL: server.url, TRUST_PROXY: 'true' });
    await app.app.listen(0, '127.0.0.1');
    port = (app.app.getHttpServer().address() as AddressInfo).port;

    const control = await mintToken(app, TEST_USERS.admin, server.port, { name: 'fuzz control' });
    readerToken = (await mintToken(app, TEST_USERS.reader, server.port, { name: 'fuzz reader' })).token;
    sessionCookie = await logIn(app, TEST_USERS.writer, server.port);
    // Use each credential once, so `last_used` is already written (at most once per 5 minutes) before the snapshot.
    await request(app.http).get('/api/auth/tokens').set(...bearer(control.token)).expect(200);
    await request(app.http).get('/api/auth/tokens').set(...bearer(readerToken)).expect(200);
    await request(app.http).get('/api/auth/tokens').set('Cookie', sessionCookie).expect(200);
    await server.command(['GRAPH.QUERY', 'fuzz_graph', "CREATE (:Fuzz {v: 1, s: 'keep'})"]);

    const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, string>;
    const [header, claims] = control.token.split('.');
    known = {
      port: server.port,
      patKid: decode(header).kid,
      controlTokenId: control.tokenId,
      controlUserId: decode(claims).sub,
      controlToken: control.token,
      sessionJwt: decodeURIComponent(sessionCookie.slice(sessionCookie.indexOf('=') + 1)),
    };
    graphApiMounted = (await send(port, { method: 'GET', path: '/api/graph', headers: { Authorization: `Bearer ${readerToken}` } })).status !== 404;
    before = await snapshot();
  }, 60_000);

  afterAll(async () => {
    agent.destroy();
    await app?.close();
    await server?.destroy();
  });

  const CREDENTIAL_FIELDS = ['username', 'password', 'host', 'port', 'tls', 'name', 'ttlSeconds', 'expiresAt'] as const;
  const SPEC_FIELDS = ['name', 'ttlSeconds', 'expiresAt'] as const;

  /**
   * Well-formed credential bodies (valid name and lifetime) that reach FalkorDB's AUTH with hostile
   * usernames and passwords: the answer must be 401 (or 429), never a crash or a login.
   */
  const credentialsShaped = (withTokenSpec: boolean) =>
    fc
      .record(
        {
          // Mostly fresh names: failed logins are also limited per username (10), so repeats soon get 429.
          username: fc
            .oneof(
              { weight: 1, arbitrary: fc.constantFrom('pat_admin', 'pat_writer', 'pat_reader', 'nobody') },
              { weight: 1, arbitrary: hostileString },
              { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
            )
            .filter((name) => name.length >= 1 && name.length <= 256),
          password: fc.oneof(hostileString, fc.constantFrom('', TEST_USERS.admin.password.toUpperCase(), `${TEST_USERS.writer.password} `)).filter((pw) => pw.length <= 1024),
          host: fc.constantFrom('localhost', '127.0.0.1'),
          port: fc.constantFrom<unknown>(known.port, String(known.port)),
          tls: fc.constantFrom<unknown>(false, 'false'),
          name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((name) => /\S/.test(name) && name.length <= 100),
          ttlSeconds: fc.constantFrom(60, 2_592_000),
        },
        { requiredKeys: ['username', 'password', 'name'] },
      )
      .map(({ name, ttlSeconds, ...credentials }) => JSON.stringify(withTokenSpec ? { ...credentials, name, ttlSeconds } : credentials));

  /** The default user has no password: any body naming it could really log in, so it is left out. */
  const namesDefaultUser = (body: Body): boolean => {
    const object = parsedObject(body);
    return object !== undefined && Object.prototype.hasOwnProperty.call(object, 'username') && object.username === 'default';
  };

  it('POST /api/auth/tokens/credentials: random and malformed bodies', async () => {
    const shaped = fc.oneof(fieldsObjectText(CREDENTIAL_FIELDS), credentialsShaped(true));
    const statuses = await fuzz(
      bodyArb(CREDENTIAL_FIELDS, shaped),
      (body) => (namesDefaultUser(body) ? undefined : { method: 'POST', path: '/api/auth/tokens/credentials', ...withBody({}, body) }),
      RUNS,
      NASTY_BODIES,
    );
    // Both layers were reached: validation (400) and FalkorDB's AUTH (401).
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(401)).toBeGreaterThan(0);
    expectMostlyReachedValidation(statuses);
  }, 60_000);

  it('POST /api/auth/login: random bodies and origins', async () => {
    const shaped = fc.oneof(fieldsObjectText(CREDENTIAL_FIELDS), credentialsShaped(false));
    // Mostly no Origin (scripts), so most runs get past the login-CSRF check to validation and AUTH.
    const origin = fc.option(fc.oneof(headerValue, fc.constantFrom('null', 'http://evil.test', `http://127.0.0.1:${port}`)), { nil: undefined, freq: 1 });
    const statuses = await fuzz(
      fc.tuple(bodyArb(CREDENTIAL_FIELDS, shaped), origin),
      ([body, from]) =>
        namesDefaultUser(body) ? undefined : { method: 'POST', path: '/api/auth/login', ...withBody(from === undefined ? {} : { Origin: from }, body) },
      RUNS,
      NASTY_BODIES.map((body): [Body, string | undefined] => [body, undefined]),
    );
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(401)).toBeGreaterThan(0);
    expectMostlyReachedValidation(statuses);
  }, 60_000);

  it('POST /api/auth/tokens with a valid same-origin session: random bodies (a PAT gets 403 whatever the body)', async () => {
    const host = `127.0.0.1:${port}`;
    /** A body that could be a valid token spec would mint a token (201), so those are not fuzz cases. */
    const mightBeValid = (body: Body): boolean => {
      const object = parsedObject(body);
      if (!object || Object.keys(object).some((key) => !(SPEC_FIELDS as readonly string[]).includes(key))) return false;
      const { name, ttlSeconds, expiresAt } = object;
      const nameOk = typeof name === 'string' && /\S/.test(name) && name.length <= 100 && name.isWellFormed();
      // null is the same as absent for both (the DTO's documented contract).
      const ttlOk = ttlSeconds === undefined || ttlSeconds === null || (typeof ttlSeconds === 'number' && Number.isInteger(ttlSeconds) && ttlSeconds > 0);
      const expiresOk = expiresAt === undefined || expiresAt === null || (typeof expiresAt === 'string' && /^\d{4}-/.test(expiresAt));
      return nameOk && ttlOk && expiresOk;
    };
    const statuses = await fuzz(
      fc.tuple(bodyArb(SPEC_FIELDS), fc.boolean()),
      ([body, asPat]) => {
        if (asPat) return { method: 'POST', path: '/api/auth/tokens', ...withBody({ Authorization: `Bearer ${known.controlToken}` }, body) };
        if (mightBeValid(body)) return undefined;
        return { method: 'POST', path: '/api/auth/tokens', ...withBody({ Cookie: sessionCookie, Host: host, Origin: `http://${host}` }, body) };
      },
      RUNS,
      NASTY_BODIES.map((body): [Body, boolean] => [body, false]),
    );
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(403)).toBeGreaterThan(0);
  }, 60_000);

  it('every authenticated route: random Authorization and Cookie headers, hostile JWTs', async () => {
    const routes: [string, string][] = [
      ['GET', '/api/auth/tokens'],
      ['POST', '/api/auth/tokens'],
      ['POST', '/api/auth/logout'],
      ['GET', `/api/auth/tokens/${known.controlTokenId}`],
      ['DELETE', `/api/auth/tokens/${known.controlTokenId}`],
      ['GET', '/api/graph'],
      ['POST', '/api/graph/fuzz_graph/query'],
      ['GET', '/api/graph/fuzz_graph/explain?query=MATCH%20(n)%20RETURN%20n'],
      ['GET', '/api/graph/fuzz_graph/schema'],
      ['DELETE', '/api/graph/fuzz_graph'],
    ];
    const host = `127.0.0.1:${port}`;
    const headers = fc.record(
      {
        Authorization: authorizationArb(known),
        Cookie: cookieArb(known),
        Origin: fc.constantFrom(`http://${host}`, 'http://evil.test', 'null'),
        'X-Request-Id': headerValue,
        'X-Forwarded-For': fc.constantFrom('', 'garbage', '127.0.0.1, 10.0.0.1', '::1'),
      },
      { requiredKeys: [] },
    );
    const statuses = await fuzz(fc.tuple(fc.constantFrom(...routes), headers, bodyArb(SPEC_FIELDS)), ([[method, path], sentHeaders, body]) => {
      // A request with neither credential is the plain 401 case; still fine, but keep most runs hostile.
      const withHost: Record<string, string> = { Host: host, ...sentHeaders };
      if (withHost['X-Forwarded-For'] !== undefined) withHost['X-Forwarded-For'] = `${nextClient()}, ${withHost['X-Forwarded-For']}`;
      return { method, path, ...withBody(withHost, method === 'GET' || method === 'DELETE' ? {} : body) };
    }, RUNS * 2);
    expect(statuses.get(401)).toBeGreaterThan(0);
    expectMostlyReachedValidation(statuses);
  }, 60_000);

  it('GET and DELETE /api/auth/tokens/{id}: random path parameters, as a PAT and as a session', async () => {
    const host = `127.0.0.1:${port}`;
    const statuses = await fuzz(
      fc.tuple(fc.constantFrom('GET', 'DELETE'), pathSegment, fc.boolean(), fc.option(fc.string({ unit: pathSafeChar, maxLength: 40 }), { nil: undefined })),
      ([method, segment, asSession, query]) => {
        if (decodedOrRaw(segment) === known.controlTokenId) return undefined;
        const auth: Record<string, string> = asSession
          ? { Cookie: sessionCookie, Host: host, Origin: `http://${host}` }
          : { Authorization: `Bearer ${known.controlToken}` };
        return { method, path: `/api/auth/tokens/${segment}${query === undefined ? '' : `?${query}`}`, headers: auth };
      },
      RUNS,
      // Broken percent-encoding and an over-long parameter are answered by the router itself.
      [
        ['GET', '%', false, undefined],
        ['DELETE', '%E0%A4%A', true, undefined],
        ['GET', 'x'.repeat(300), false, undefined],
        ['GET', '..', false, undefined],
      ] as [string, string, boolean, string | undefined][],
    );
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(404)).toBeGreaterThan(0);
  }, 60_000);

  it('GET /api/auth/tokens and /api/auth/audit: random filters, sorts, limits and cursors (a page or a 4xx, never a 5xx)', async () => {
    const realCursors = await Promise.all(
      ['/api/auth/tokens?state=all&limit=1', '/api/auth/audit?limit=1'].map(
        async (path) => (await request(app.http).get(path).set(...bearer(known.controlToken)).expect(200)).body.next_cursor as string | null,
      ),
    );
    const fields = ['state', 'username', 'name', 'expires_before', 'last_used_before', 'sort', 'limit', 'cursor', 'token_id', 'type', 'since', 'until'];
    const cursors = realCursors.filter((cursor): cursor is string => cursor !== null);
    const value = fc.oneof(
      { weight: 3, arbitrary: hostileString },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          'active', 'expired', 'revoked', 'all', '-created_at', 'created_at', 'expires_at', '-expires_at', 'last_used', '-last_used',
          '1', '200', '201', '0', '-1', '1e2', '007', '2025-01-01T00:00:00Z', '2025-13-45T99:99:99Z', '2025-01-01T00:00:00', 'token.created',
          'auth.failed', known.controlTokenId, 'pat_admin', 'c1..', 'c1.W10.AAAA',
        ),
      },
      { weight: 2, arbitrary: fc.constantFrom(...cursors).chain((cursor) => fc.nat(cursor.length).map((at) => cursor.slice(0, at) + 'A' + cursor.slice(at + 1))) },
      { weight: 1, arbitrary: fc.constantFrom(...cursors) },
    );
    const query = fc
      .array(fc.tuple(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...fields) }, { weight: 1, arbitrary: hostileString }), value), { maxLength: 6 })
      .map((pairs) => pairs.map(([key, text]) => `${encodeURIComponent(key)}=${encodeURIComponent(text)}`).join('&'));
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.tuple(fc.constantFrom('/api/auth/tokens', '/api/auth/audit'), query, fc.boolean()), async ([path, text, asReader]) => {
        const sent: Sent = { method: 'GET', path: `${path}?${text}`, headers: { Authorization: `Bearer ${asReader ? readerToken : known.controlToken}` } };
        fc.pre(fitsInHeaders(sent));
        const received = await send(port, sent);
        statuses.set(received.status, (statuses.get(received.status) ?? 0) + 1);
        if (received.status === 200) {
          const body = JSON.parse(received.text) as { next_cursor?: unknown };
          expect(body.next_cursor === null || typeof body.next_cursor === 'string').toBe(true);
          return;
        }
        expectProblem(sent, received);
      }),
      fuzzOptions<[string, string, boolean]>(RUNS, [
        ['/api/auth/tokens', 'limit=0', false],
        ['/api/auth/tokens', 'cursor=c1..', false],
        ['/api/auth/audit', 'since=2025-13-45T99:99:99Z', false],
        ['/api/auth/tokens', 'state=active&state=all', false],
        ['/api/auth/audit', 'username=pat_admin', true],
      ]),
    );
    await expectStillServing();
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
  }, 60_000);

  it('the Graph API: random graph names, queries and parameters (as a Read-Only token)', async () => {
    // The service mounts the Graph API: fuzzing routes that all answer 404 would prove nothing.
    expect(graphApiMounted).toBe(true);
    const reader = { Authorization: `Bearer ${readerToken}` };
    const graphName = fc.oneof({ weight: 4, arbitrary: pathSegment }, { weight: 1, arbitrary: fc.constantFrom('fuzz_graph', 'token_management') });
    const queryText = fc.oneof(hostileString, fc.constantFrom('MATCH (n) RETURN', 'CREATE (', 'RETURN $', 'CALL db.', "RETURN '", ')'));
    const queryBody = fc.oneof(
      fieldsObjectText(['query', 'params', 'timeoutMs', 'readOnly']),
      fc
        .record(
          {
            query: queryText,
            params: fc.oneof(fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }), fc.jsonValue({ maxDepth: 2 })),
            timeoutMs: fc.oneof(numberLike, hostileString),
            readOnly: fc.oneof(fc.boolean(), hostileString),
          },
          { requiredKeys: ['query'] },
        )
        .map((body) => JSON.stringify(body)),
    );
    const operation = fc.oneof(
      fc.tuple(graphName, bodyArb(['query', 'params', 'timeoutMs', 'readOnly'], queryBody)).map(([graph, body]) => ({
        method: 'POST',
        path: `/api/graph/${graph}/query`,
        ...withBody(reader, body),
      })),
      fc.tuple(graphName, fc.option(queryText, { nil: undefined })).map(([graph, query]) => ({
        method: 'GET',
        path: `/api/graph/${graph}/explain${query === undefined ? '' : `?query=${encodeURIComponent(query)}`}`,
        headers: reader,
      })),
      fc.tuple(pathSegment).map(([graph]) => ({ method: 'GET', path: `/api/graph/${graph}/schema`, headers: reader })),
      fc.tuple(graphName).map(([graph]) => ({ method: 'DELETE', path: `/api/graph/${graph}`, headers: reader })),
    );
    await fuzz(operation, (sent) => {
      // The schema of a graph that exists is a legitimate 200.
      if (sent.path.endsWith('/schema') && ['fuzz_graph', 'token_management'].includes(decodedOrRaw(sent.path.split('/')[3]))) return undefined;
      return sent;
    });
  }, 60_000);

  it('unknown routes, wrong methods and the health probes', async () => {
    const knownRoutes: [string, string[]][] = [
      ['/api/auth/tokens/credentials', ['POST']],
      ['/api/auth/login', ['POST']],
      ['/api/auth/logout', ['POST']],
      ['/api/auth/tokens', ['GET', 'POST']],
      [`/api/auth/tokens/${known.controlTokenId}`, ['GET', 'DELETE']],
      ['/health/live', ['GET']],
      ['/health/ready', ['GET']],
    ];
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    const wrongMethod = fc
      .tuple(fc.constantFrom(...knownRoutes), fc.constantFrom(...methods))
      .filter(([[, allowed], method]) => !allowed.includes(method))
      .map(([[path], method]) => ({ method, path }));
    const randomPath = fc
      .tuple(fc.constantFrom(...methods), fc.constantFrom('', '/api', '/api/auth', '/api/auth/tokens', '/health', '/api/graph/x'), fc.array(pathSegment, { minLength: 1, maxLength: 4 }))
      .map(([method, prefix, segments]) => ({ method, path: `${prefix}/${segments.join('/')}` }))
      .filter(({ path }) => !path.startsWith('/docs') && !/^\/api\/auth\/tokens\/[^/]+$/.test(path) && !/^\/api\/graph\//.test(path));
    const probe = fc
      .tuple(fc.constantFrom('/health/live', '/health/ready'), fc.option(fc.string({ unit: pathSafeChar, maxLength: 60 }), { nil: undefined }))
      .map(([path, query]) => ({ method: 'GET', path: query === undefined ? path : `${path}?${query}` }));
    const extraHeaders = fc.record({ Authorization: authorizationArb(known), Cookie: cookieArb(known), 'X-Request-Id': headerValue }, { requiredKeys: [] });

    await fc.assert(
      fc.asyncProperty(fc.tuple(fc.oneof(wrongMethod, randomPath, probe), extraHeaders, bodyArb(SPEC_FIELDS)), async ([target, headers, body]) => {
        const sent: Sent = { ...target, ...withBody(headers, target.method === 'GET' ? {} : body) };
        fc.pre(fitsInHeaders(sent));
        const received = await send(port, sent);
        if (target.method === 'GET' && /^\/health\/(live|ready)(\?|$)/.test(target.path)) {
          // Probes ignore whatever else the request carries.
          expect(received.status).toBe(200);
          expect(JSON.parse(received.text)).toMatchObject({ status: 'ok' });
          return;
        }
        expectProblem(sent, received);
      }),
      fuzzOptions<[{ method: string; path: string }, Record<string, string>, Body]>(RUNS, [
        // A malformed URL on a method without routes skips Fastify's onRequest hooks.
        [{ method: 'PUT', path: '/%' }, {}, {}],
        [{ method: 'OPTIONS', path: '/%/x' }, {}, {}],
        [{ method: 'GET', path: '/%' }, {}, {}],
      ]),
    );
    await expectStillServing();
  }, 60_000);

  it('afterwards: stored data unchanged, control credentials valid, no prototype pollution', async () => {
    expect(await snapshot()).toEqual(before);
    const detail = await request(app.http).get(`/api/auth/tokens/${known.controlTokenId}`).set(...bearer(known.controlToken)).expect(200);
    expect(detail.body.token.is_active).toBe(true);
    await request(app.http).get('/api/auth/tokens').set(...bearer(readerToken)).expect(200);
    await request(app.http).get('/api/auth/tokens').set('Cookie', sessionCookie).expect(200);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 30_000);

  it('afterwards: the refusals are in the audit log, counted, and no event holds a credential or a password', async () => {
    await app.app.get(AuditEventAggregator).flush();
    const page = await request(app.http).get('/api/auth/audit?type=auth.failed&limit=200').set(...bearer(known.controlToken)).expect(200);
    const failures = page.body.events as Array<{ detail: { count: number } }>;
    expect(failures.length).toBeGreaterThan(0);
    // Aggregated: far fewer events than refused requests.
    expect(failures.reduce((sum, event) => sum + event.detail.count, 0)).toBeGreaterThan(failures.length);
    const everything = JSON.stringify(await server.command(['GRAPH.QUERY', 'token_management', 'MATCH (e:AuditEvent) RETURN properties(e)']));
    for (const secret of [known.controlToken, known.sessionJwt, readerToken, TEST_USERS.admin.password, TEST_USERS.writer.password, TEST_USERS.reader.password]) {
      expect(everything).not.toContain(secret);
    }
  }, 30_000);
});
