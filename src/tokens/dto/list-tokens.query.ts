import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { TOKEN_STATES, TokenState } from '../../credentials/store/token.record';

/** Query parameters of `GET /tokens`. */
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
}
