import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidationFailedError } from './domain-errors';

/**
 * Deepest nesting of arrays and objects accepted in a body or query. class-transformer recurses
 * once per level, so a small body of `[[[[...]]]]` (thousands deep) would otherwise overflow the
 * stack (a 500). The Graph API's query parameters (at most 32 levels) stay well inside it.
 */
export const MAX_INPUT_DEPTH = 64;

/** Nesting depth of a parsed value, counted iteratively (it must not recurse itself); stops past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
  const pending: [unknown, number][] = [[value, 1]];
  let deepest = 0;
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, depth] = next;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}

function collect(errors: ValidationError[], prefix: string, into: Record<string, string[]>): void {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) into[path] = [...new Set(Object.values(error.constraints))];
    if (error.children?.length) collect(error.children, path, into);
  }
}

/**
 * Top-level keys that name Object.prototype members (`hasOwnProperty`, `constructor`, ...).
 * class-validator's whitelist looks fields up in a plain object, finds the inherited member and
 * lets such keys through even with forbidNonWhitelisted; no DTO here has a field of that name.
 */
function inheritedMemberKeys(value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.keys(value).filter((key) => key in Object.prototype);
}

/** Refuses too deeply nested input before class-transformer walks it, and keys its whitelist misses. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (nestingDepth(value, MAX_INPUT_DEPTH) > MAX_INPUT_DEPTH) {
      throw ValidationFailedError.forField(metadata.type, `${metadata.type} nests arrays and objects deeper than ${MAX_INPUT_DEPTH} levels`);
    }
    if (metadata.type === 'body' || metadata.type === 'query') {
      const reserved = inheritedMemberKeys(value);
      if (reserved.length) {
        throw new ValidationFailedError(Object.fromEntries(reserved.map((key) => [key, [`property ${key} should not exist`]])));
      }
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/**
 * Strict body/query validation shared by every controller: unknown fields are rejected,
 * and every bad field is named in the problem response.
 */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => {
      const fields: Record<string, string[]> = {};
      collect(errors, '', fields);
      return new ValidationFailedError(fields);
    },
  });
}
