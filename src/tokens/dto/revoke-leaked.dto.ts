import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, MaxLength } from 'class-validator';

export const MAX_LEAKED_TOKENS = 100;
/** Far longer than any token this service issues; anything longer cannot be one. */
const MAX_TOKEN_LENGTH = 4096;

/** Body of POST /tokens/revoke-leaked: tokens someone found where they should not be. */
export class RevokeLeakedDto {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: MAX_LEAKED_TOKENS,
    description: 'Tokens found exposed (in a repository, a log, a paste). Genuine active ones are revoked; the answer is the same whatever they are.',
    example: ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...'],
  })
  @IsArray({ message: 'tokens must be a list of strings' })
  @ArrayMinSize(1, { message: 'tokens must hold at least one token' })
  @ArrayMaxSize(MAX_LEAKED_TOKENS, { message: `tokens may hold at most ${MAX_LEAKED_TOKENS} tokens` })
  @IsString({ each: true, message: 'tokens entries must be strings' })
  @MaxLength(MAX_TOKEN_LENGTH, { each: true, message: `tokens entries must be at most ${MAX_TOKEN_LENGTH} characters` })
  tokens!: string[];
}

export class LeakReportAcceptedDto {
  @ApiProperty({ type: 'integer', example: 2, description: 'How many tokens were received (not how many were genuine)' })
  received!: number;
}
