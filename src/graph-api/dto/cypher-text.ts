import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches } from 'class-validator';

/** Longest Cypher text accepted (the request body limit is 64 KiB). */
export const MAX_QUERY_LENGTH = 32 * 1024;

/**
 * Validation of a Cypher text: non-blank, bounded, and without NUL (FalkorDB would silently cut the
 * query there and run only its beginning).
 */
export function IsCypherText(field: string) {
  return applyDecorators(
    IsString({ message: `${field} must be a string` }),
    Length(1, MAX_QUERY_LENGTH, { message: `${field} must be 1 to ${MAX_QUERY_LENGTH} characters` }),
    Matches(/\S/, { message: `${field} must not be blank` }),
    Matches(/^[^\u0000]*$/, { message: `${field} must not contain the NUL character` }),
  );
}

/** True when `value` certainly passes IsCypherText (the validation pipe's fast path). */
export function isCertainlyCypherText(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_QUERY_LENGTH && /\S/.test(value) && !value.includes('\u0000');
}
