import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { DateTimeParam } from '../../common/date-time-param';
import { TOKEN_SORTS, TOKEN_STATES, TokenSort, TokenState } from '../../credentials/store/token.record';
import { PageCursor, PageLimit, UsernameFilter } from '../../paging/page-params';

/** Query parameters of `GET /tokens`: filters (all combine), sort and paging. */
export class ListTokensQuery {
  @ApiPropertyOptional({
    enum: TOKEN_STATES,
    enumName: 'TokenState',
    default: 'active',
    description:
      'Which tokens: `active` (neither revoked nor expired), `expired`, `revoked`, or `all`. Ended tokens stay listable ' +
      'until the retention period after they ended (TOKEN_RETENTION_DAYS, default 30).',
  })
  @IsOptional()
  @IsIn(TOKEN_STATES, { message: `state must be one of ${TOKEN_STATES.join(', ')}` })
  state?: TokenState;

  @UsernameFilter('tokens of')
  username?: string;

  @ApiPropertyOptional({ description: 'Only tokens whose name contains this text (case-insensitive).', minLength: 1, maxLength: 100, example: 'CI' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @DateTimeParam('expires_before', 'Only tokens that expire before this time (never-expiring tokens never do).', '2100-01-01T00:00:00Z')
  expires_before?: string;

  @DateTimeParam(
    'last_used_before',
    'Only tokens last used before this time; tokens never used count as used before any time (they are included).',
    '2100-01-01T00:00:00Z',
  )
  last_used_before?: string;

  @ApiPropertyOptional({
    enum: TOKEN_SORTS,
    enumName: 'TokenSort',
    default: '-created_at',
    description:
      'Order: by `created_at`, `expires_at` or `last_used`; a leading `-` for descending. Ties are broken by token id, in the same direction. ' +
      'Tokens that never expire sort after every expiry (last for `expires_at`, first for `-expires_at`); tokens never used sort ' +
      'before every use (first for `last_used`, last for `-last_used`). Among those, by creation time in the same direction.',
  })
  @IsOptional()
  @IsIn(TOKEN_SORTS, { message: `sort must be one of ${TOKEN_SORTS.join(', ')}` })
  sort?: TokenSort;

  @PageLimit()
  limit?: number;

  @PageCursor()
  cursor?: string;
}
