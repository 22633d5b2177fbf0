import { ValidationFailedError } from '../common/domain-errors';

/** Parameter names and map keys: plain identifiers, so they never need quoting in the CYPHER prefix. */
export const PARAM_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Deepest nesting of lists and maps accepted in one parameter value. */
export const MAX_PARAM_DEPTH = 32;

export type CypherParamValue = null | boolean | number | string | CypherParamValue[] | { [key: string]: CypherParamValue };

function reject(path: string, message: string): never {
  throw ValidationFailedError.forField(path, `${path} ${message}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function numberLiteral(value: number, path: string): string {
  if (!Number.isFinite(value)) reject(path, 'must be a finite number');
  if (Number.isSafeInteger(value)) return String(value);
  // Integral but beyond 2^53 (e.g. 1e20): written as a double, never as an overflowing integer literal.
  if (Number.isInteger(value)) return value.toExponential();
  return String(value);
}

/** A double-quoted Cypher string: only `\` and `"` need escaping; NUL would cut the command short. */
function stringLiteral(value: string, path: string): string {
  if (value.includes('\u0000')) reject(path, 'must not contain the NUL character');
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

function literal(value: unknown, path: string, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return numberLiteral(value, path);
    case 'string':
      return stringLiteral(value, path);
  }
  if (depth >= MAX_PARAM_DEPTH) reject(path, `nests lists and maps deeper than ${MAX_PARAM_DEPTH} levels`);
  if (Array.isArray(value)) {
    return `[${value.map((item, index) => literal(item, `${path}[${index}]`, depth + 1)).join(', ')}]`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(([key, item]) => {
      if (!PARAM_NAME_PATTERN.test(key)) reject(`${path}.${key}`, 'is not a valid map key (use letters, digits and _, not starting with a digit)');
      return `${key}: ${literal(item, `${path}.${key}`, depth + 1)}`;
    });
    return `{${entries.join(', ')}}`;
  }
  return reject(path, 'must be a string, number, boolean, null, list or map');
}

/**
 * FalkorDB takes query parameters as a `CYPHER name=value ...` prefix of the query text. Every name
 * and value is checked here and written as a Cypher literal, so a parameter can only ever be data:
 * strings are quoted and escaped, numbers must be finite, keys must be identifiers.
 */
export function serializeParams(params: Record<string, unknown>): string {
  if (!isPlainObject(params)) reject('params', 'must be an object of parameter names to values');
  return Object.entries(params)
    .map(([name, value]) => {
      if (!PARAM_NAME_PATTERN.test(name)) reject(`params.${name}`, 'is not a valid parameter name (use letters, digits and _, not starting with a digit)');
      return `${name}=${literal(value, `params.${name}`, 0)}`;
    })
    .join(' ');
}

/** The query text FalkorDB receives: the parameters' CYPHER prefix (if any), then the query. */
export function withParams(query: string, params: Record<string, unknown> | undefined): string {
  const prefix = params === undefined ? '' : serializeParams(params);
  return prefix ? `CYPHER ${prefix} ${query}` : query;
}
