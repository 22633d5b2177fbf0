import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsISO8601, IsObject, IsOptional, IsPositive, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { MAX_ALLOWED_IPS } from '../../credentials/allowed-ips';
import { IsIpRangeList } from './is-ip-range';
import { TokenPermissionsDto } from './token-permissions.dto';
import { DATE_TIME_WITH_OFFSET } from '../../common/date-time-param';
import { DATE_TIME_WITH_OFFSET_MESSAGE } from '../token-expiry';

export const TOKEN_NAME_MAX_LENGTH = 100;

/** When a token expires: at most one of ttlSeconds and expiresAt (neither = never). */
export class TokenExpiryDto {
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

/** What a new token should be called, when it expires, and what it may do. */
export class TokenSpecDto extends TokenExpiryDto {
  @ApiProperty({ description: 'A name to recognise the token by', example: 'CI/CD Pipeline Token', minLength: 1, maxLength: TOKEN_NAME_MAX_LENGTH })
  @IsString()
  @Length(1, TOKEN_NAME_MAX_LENGTH)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiPropertyOptional({ type: TokenPermissionsDto, nullable: true, description: "The token's own permissions; absent or null: everything its FalkorDB user may do" })
  @IsOptional()
  @IsObject({ message: 'permissions must be an object with access and/or graphs' })
  @ValidateNested()
  @Type(() => TokenPermissionsDto)
  permissions?: TokenPermissionsDto | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    minItems: 1,
    maxItems: MAX_ALLOWED_IPS,
    description: 'Client addresses (IPv4/IPv6, or CIDR ranges) the token may be used from; elsewhere it gets 403 token_ip_not_allowed. Absent or null: anywhere.',
    example: ['203.0.113.0/24', '2001:db8::/32'],
  })
  @IsOptional()
  @IsArray({ message: 'allowedIps must be a list of IP addresses or CIDR ranges' })
  @ArrayMinSize(1, { message: 'allowedIps must name at least one address (null means anywhere)' })
  @ArrayMaxSize(MAX_ALLOWED_IPS, { message: `allowedIps may name at most ${MAX_ALLOWED_IPS} addresses or ranges` })
  @IsIpRangeList()
  allowedIps?: string[] | null;
}
