import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, IsPositive, IsString, Length, Matches } from 'class-validator';
import { DATE_TIME_WITH_OFFSET, DATE_TIME_WITH_OFFSET_MESSAGE } from '../token-expiry';

export const TOKEN_NAME_MAX_LENGTH = 100;

/** What a new token should be called and when it expires (neither ttlSeconds nor expiresAt = never). */
export class TokenSpecDto {
  @ApiProperty({ description: 'A name to recognise the token by', example: 'CI/CD Pipeline Token', minLength: 1, maxLength: TOKEN_NAME_MAX_LENGTH })
  @IsString()
  @Length(1, TOKEN_NAME_MAX_LENGTH)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiPropertyOptional({
    description: 'Lifetime in seconds (e.g. 2592000 = 30 days). Not with expiresAt; null is the same as absent.',
    example: 2592000,
    minimum: 1,
    type: 'integer',
    nullable: true,
  })
  @IsOptional()
  @IsInt({ message: 'ttlSeconds must be a positive integer' })
  @IsPositive({ message: 'ttlSeconds must be a positive integer' })
  ttlSeconds?: number | null;

  @ApiPropertyOptional({
    description: 'Absolute expiry, an RFC 3339 date-time with its time zone, in the future. Not with ttlSeconds; null is the same as absent.',
    example: '2025-12-24T12:00:00Z',
    type: String,
    format: 'date-time',
    nullable: true,
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  @Matches(DATE_TIME_WITH_OFFSET, { message: DATE_TIME_WITH_OFFSET_MESSAGE })
  expiresAt?: string | null;
}
