import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { MAX_CURSOR_LENGTH } from './page-cursors';

/** Items per page: 1..200, 100 when not given. */
export const MAX_PAGE_LIMIT = 200;
export const DEFAULT_PAGE_LIMIT = 100;

/** A query-string integer as a number; anything else is left as it is, for the validators to name. */
const integerText = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value);

/** The `limit` query parameter of a paged listing. */
export function PageLimit() {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      minimum: 1,
      maximum: MAX_PAGE_LIMIT,
      default: DEFAULT_PAGE_LIMIT,
      example: DEFAULT_PAGE_LIMIT,
      description: `Items per page (1..${MAX_PAGE_LIMIT}).`,
    }),
    IsOptional(),
    Transform(integerText),
    IsInt({ message: 'limit must be an integer' }),
    Min(1, { message: `limit must be from 1 to ${MAX_PAGE_LIMIT}` }),
    Max(MAX_PAGE_LIMIT, { message: `limit must be from 1 to ${MAX_PAGE_LIMIT}` }),
  );
}

/** The `cursor` query parameter of a paged listing. */
export function PageCursor() {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      maxLength: MAX_CURSOR_LENGTH,
      description:
        'Where the page starts: the `next_cursor` of the previous page, sent with the same other parameters. Leave it out for the first ' +
        'page. Cursors are opaque and signed: one that was changed, or that belongs to another query or another caller, is refused (400). ' +
        'A page may hold fewer items than `limit` (even none) while `next_cursor` is set; only `next_cursor: null` ends the listing.',
    }),
    IsOptional(),
    IsString({ message: 'cursor must be a string' }),
    Length(1, MAX_CURSOR_LENGTH, { message: `cursor must be 1 to ${MAX_CURSOR_LENGTH} characters` }),
  );
}

/** The `next_cursor` of a paged listing's answer. */
export function NextCursorProperty() {
  return ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Send it back as `cursor` (with the same other parameters) for the next page; null on the last page',
  });
}

/** The `username` filter of a listing: admins may name any user of their server, anyone else only themselves. */
export function UsernameFilter(what: string) {
  return applyDecorators(
    ApiPropertyOptional({
      description: `Only ${what} this user. Admins may name any user of their server; anyone else only themselves (another name is 403).`,
      minLength: 1,
      maxLength: 256,
    }),
    IsOptional(),
    IsString(),
    Length(1, 256),
  );
}
