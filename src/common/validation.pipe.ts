import { ArgumentMetadata, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { hasCertainlyValidCheck } from './certainly-valid';
import { ValidationFailedError } from './domain-errors';

/**
 * Deepest nesting of arrays and objects accepted in a body or query. class-transformer recurses
 * once per level, so a small body of `[[[[...]]]]` (thousands deep) would otherwise overflow the
 * stack (a 500). The Graph API's query parameters (at most 32 levels) stay well inside it.
 */
export const MAX_INPUT_DEPTH = 64;

/**
 * Keys Nest's ValidationPipe deletes, at any depth, before validating (prototype-pollution
 * defence). Deleted silently, a Cypher parameter map named `{prototype: 1}` would reach FalkorDB
 * without it; refusing them keeps what is stored or run exactly what the client sent.
 */
const STRIPPED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * What is wrong with a parsed body or query before class-transformer sees it, by field path:
 * nesting deeper than MAX_INPUT_DEPTH (class-transformer recurses once per level, so thousands
 * of `[[[[...]]]]` would overflow the stack), keys Nest would silently drop, top-level keys
 * class-validator's whitelist misses, and text that is not well-formed Unicode (a lone UTF-16
 * surrogate becomes U+FFFD on its way to FalkorDB, so what was stored would differ from what
 * was sent) or holds a NUL. Walked iteratively: it must not recurse itself.
 */
function inputProblems(value: unknown, root: string): Record<string, string[]> {
  // A Map: the paths are client text and may be `hasOwnProperty` or `__proto__`.
  const problems = new Map<string, string[]>();
  const add = (path: string, message: string): void => {
    problems.set(path, [...(problems.get(path) ?? []), message]);
  };
  const pending: [unknown, string, number][] = [[value, '', 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, path, depth] = next;
    const where = path || root;
    if (typeof current === 'string') {
      if (!current.isWellFormed()) add(where, `${where} must be well-formed Unicode text (it contains a lone surrogate)`);
      // FalkorDB's query parameters are C strings: text after a NUL would be cut off (or the query fail).
      if (current.includes('\u0000')) add(where, `${where} must not contain the NUL character (U+0000)`);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth > MAX_INPUT_DEPTH) {
      return { [root]: [`${root} nests arrays and objects deeper than ${MAX_INPUT_DEPTH} levels`] };
    }
    const isArray = Array.isArray(current);
    for (const [key, child] of Object.entries(current)) {
      const childPath = isArray ? `${path || root}[${key}]` : path ? `${path}.${key}` : key;
      if (!isArray) {
        if (!key.isWellFormed() || key.includes('\u0000')) add(where, `${where} has a key that is not well-formed Unicode text without NUL`);
        else if (STRIPPED_KEYS.has(key) || (!path && key in Object.prototype)) add(childPath, `property ${key} should not exist`);
      }
      pending.push([child, childPath, depth + 1]);
    }
  }
  return Object.fromEntries(problems);
}

/**
 * Refuses, before class-transformer walks it, input that it or the whitelist would mishandle. Values
 * Nest's pipe would hand back untouched (a custom decorator's, such as the caller's principal, and a
 * path parameter read as text) are handed back at once, without a promise per parameter per request.
 */
class StrictValidationPipe implements PipeTransform<unknown, unknown> {
  constructor(private readonly full: ValidationPipe) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom' || (metadata.type === 'param' && metadata.metatype === String && typeof value === 'string')) return value;
    return this.checked(value, metadata);
  }

  private async checked(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problems = inputProblems(value, metadata.type);
      if (Object.keys(problems).length) throw new ValidationFailedError(problems);
    }
    const { metatype } = metadata;
    if (hasCertainlyValidCheck(metatype) && metatype.isCertainlyValid(value)) return Object.assign(new metatype(), value);
    return this.full.transform(value, metadata) as Promise<unknown>;
  }
}

function collect(errors: ValidationError[], prefix: string, into: Record<string, string[]>): void {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      // A missing required field fails every rule it has; one message says what is wrong.
      into[path] = error.value === undefined ? [`${error.property} is required`] : [...new Set(Object.values(error.constraints))];
    }
    if (error.children?.length) collect(error.children, path, into);
  }
}

/**
 * Strict body/query validation shared by every controller: unknown fields are rejected,
 * and every bad field is named in the problem response.
 */
export function createValidationPipe(): PipeTransform<unknown, unknown> {
  return new StrictValidationPipe(
    new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      exceptionFactory: (errors) => {
        const fields: Record<string, string[]> = {};
        collect(errors, '', fields);
        return new ValidationFailedError(fields);
      },
    }),
  );
}
