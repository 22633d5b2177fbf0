import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateOpenApiDocument, OPENAPI_FILE, serializeOpenApiDocument } from '../scripts/openapi-document';

const run = promisify(execFile);
const REDOCLY = join(__dirname, '..', 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  responses: Record<string, { description?: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

function operationsOf(document: Document): { name: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
  );
}

function refsIn(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, into));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') into.push(child);
      else refsIn(child, into);
    }
  }
  return into;
}

/** The committed openapi.json: up to date with the code, valid OpenAPI 3, and complete enough for SDK generators. */
describe('openapi.json', () => {
  let committedText: string;
  let committed: Document;

  beforeAll(async () => {
    committedText = await readFile(OPENAPI_FILE, 'utf8');
    committed = JSON.parse(committedText) as Document;
  });

  it('is exactly what the code generates (run `npm run openapi` after changing an endpoint, and commit openapi.json)', async () => {
    const generated = serializeOpenApiDocument(await generateOpenApiDocument());
    // Structural comparison first: its diff names the endpoint or schema that changed.
    expect(committed).toEqual(JSON.parse(generated));
    expect(committedText).toBe(generated);
  });

  it("keeps the CLI's generated client types what openapi.json gives (npm run openapi writes both)", async () => {
    await expect(run(process.execPath, [join(__dirname, '..', 'scripts', 'generate-cli-types.mjs'), '--check'])).resolves.toBeDefined();
  });

  it('validates as OpenAPI 3 with @redocly/cli lint (recommended rules) without errors', async () => {
    let stdout: string;
    try {
      ({ stdout } = await run(process.execPath, [REDOCLY, 'lint', OPENAPI_FILE, '--format=json'], {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 60_000,
      }));
    } catch (error) {
      // redocly exits 1 when it finds errors; the report is still on stdout.
      stdout = (error as { stdout?: string }).stdout ?? '';
      if (!stdout) throw error;
    }
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: { severity: string; ruleId: string; message: string; location: { pointer: string }[] }[];
    };
    const errors = report.problems
      .filter((problem) => problem.severity === 'error')
      .map((problem) => `${problem.ruleId}: ${problem.message} at ${problem.location.map((l) => l.pointer).join(', ')}`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });

  it('gives every operation a unique operationId, a summary, tags and documented 4xx responses', () => {
    const operations = operationsOf(committed);
    expect(operations.length).toBeGreaterThanOrEqual(7);
    const problems: string[] = [];
    const ids = new Map<string, string>();
    for (const { name, operation } of operations) {
      const id = operation.operationId;
      if (!id || !/^[a-z][A-Za-z0-9]*$/.test(id)) problems.push(`${name}: operationId ${String(id)} is missing or not camelCase`);
      else if (ids.has(id)) problems.push(`${name}: operationId ${id} is also used by ${ids.get(id)}`);
      else ids.set(id, name);
      if (!operation.summary?.trim()) problems.push(`${name}: no summary`);
      if (!operation.tags?.length) problems.push(`${name}: no tags`);
      const statuses = Object.keys(operation.responses);
      if (!statuses.some((status) => /^4\d\d$/.test(status))) problems.push(`${name}: no 4xx response documented`);
      if (!statuses.some((status) => /^2\d\d$/.test(status))) problems.push(`${name}: no success response documented`);
    }
    expect(problems).toEqual([]);
  });

  it('documents every error response as application/problem+json with the ProblemDetails schema', () => {
    const problems: string[] = [];
    for (const { name, operation } of operationsOf(committed)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const media = Object.keys(response.content ?? {});
        const schema = response.content?.['application/problem+json']?.schema;
        if (media.join() !== 'application/problem+json' || !refsIn(schema).includes('#/components/schemas/ProblemDetailsDto')) {
          problems.push(`${name} ${status}: ${media.join(', ') || 'no body'}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('describes every response, and the headers that come with 401 (WWW-Authenticate), 429 and 503 (Retry-After)', () => {
    const expectedHeader: Record<string, string> = { '401': 'WWW-Authenticate', '429': 'Retry-After', '503': 'Retry-After' };
    const problems: string[] = [];
    for (const { name, operation } of operationsOf(committed)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!response.description?.trim()) problems.push(`${name} ${status}: no description`);
        const header = expectedHeader[status];
        if (header && !response.headers?.[header]) problems.push(`${name} ${status}: ${header} not documented`);
      }
      // Every authenticated operation may be refused for too many failed attempts.
      if (operation.security?.length && !operation.responses['429']) problems.push(`${name}: 429 not documented`);
    }
    expect(problems).toEqual([]);
  });

  it('declares security on every operation: only login, minting with credentials and reporting leaked tokens are public', () => {
    const schemes = Object.keys(committed.components.securitySchemes);
    const publicOperations: string[] = [];
    for (const { name, operation } of operationsOf(committed)) {
      expect({ name, security: Array.isArray(operation.security) }).toEqual({ name, security: true });
      if (operation.security!.length === 0) publicOperations.push(operation.operationId ?? name);
      for (const requirement of operation.security!) {
        for (const scheme of Object.keys(requirement)) expect(schemes).toContain(scheme);
      }
    }
    expect(publicOperations.sort()).toEqual(['createTokenWithCredentials', 'login', 'revokeLeakedTokens']);
  });

  it('resolves every $ref to a defined schema', () => {
    const missing = refsIn(committed).filter((ref) => {
      const match = /^#\/components\/schemas\/(.+)$/.exec(ref);
      return !match || !(match[1] in committed.components.schemas);
    });
    expect(missing).toEqual([]);
  });
});
