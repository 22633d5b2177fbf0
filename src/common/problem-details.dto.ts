import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ProblemDetails } from './problem-details';

/** OpenAPI schema of every error body (RFC 9457 problem details). */
export class ProblemDetailsDto implements ProblemDetails {
  @ApiProperty({ example: 'https://falkordb.com/problems/invalid-token' })
  type!: string;

  @ApiProperty({ example: 'Unauthorized' })
  title!: string;

  @ApiProperty({ type: 'integer', example: 401 })
  status!: number;

  @ApiProperty({ example: 'The access token is invalid, expired or revoked' })
  detail!: string;

  @ApiProperty({ description: 'Same text as `detail`', example: 'The access token is invalid, expired or revoked' })
  message!: string;

  @ApiPropertyOptional({ example: 'INVALID_TOKEN', description: 'Stable machine-readable error code' })
  code?: string;

  @ApiPropertyOptional({
    description: 'Per-field messages (validation errors)',
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { ttlSeconds: ['ttlSeconds must be a positive integer'] },
  })
  errors?: Record<string, string[]>;
}
