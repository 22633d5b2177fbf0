import { ApiProperty } from '@nestjs/swagger';
import { NextCursorProperty } from '../../paging/page-params';
import { ROLES, Role } from '../../domain/role';
import { ACCESS_LEVELS, Access, REVOCATION_REASONS, RevocationReason } from '../../domain/token-permissions';

export class TokenPermissionsViewDto {
  @ApiProperty({ enum: ACCESS_LEVELS, enumName: 'TokenAccess', example: 'read-write' })
  access!: Access;

  @ApiProperty({ type: [String], nullable: true, example: null, description: 'Graph names or prefixes ending in *; null = every graph' })
  graphs!: string[] | null;
}

/** A token as listed: never the token itself, its hash or any password material. */
export class TokenMetadataDto {
  @ApiProperty({ example: '1761055513181-215c579b' })
  token_id!: string;

  @ApiProperty({ example: 'user-abc123' })
  user_id!: string;

  @ApiProperty({ example: 'default' })
  username!: string;

  @ApiProperty({ example: 'CI/CD Pipeline Token' })
  name!: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role', example: 'Admin' })
  role!: Role;

  @ApiProperty({ example: 'localhost' })
  host!: string;

  @ApiProperty({ type: 'integer', example: 6379 })
  port!: number;

  @ApiProperty({ format: 'date-time', example: '2025-11-24T12:00:00Z' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2025-12-24T12:00:00Z', description: 'null = never expires' })
  expires_at!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2025-11-24T14:30:00Z',
    description: 'null = never used. Written at most every 5 minutes, and when the token is used from a new address.',
  })
  last_used!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7', description: 'Client address of the last recorded use (as resolved under TRUST_PROXY); null = never used' })
  last_used_ip!: string | null;

  @ApiProperty({ type: String, nullable: true, maxLength: 200, example: 'curl/8.5.0', description: 'User-Agent of the last recorded use (at most 200 characters); null = never used or not sent' })
  last_used_user_agent!: string | null;

  @ApiProperty({
    type: [String],
    example: ['203.0.113.7', '198.51.100.20'],
    description: 'Up to 5 distinct client addresses the token was used from, newest first (a new address is recorded within a minute)',
  })
  recent_ips!: string[];

  @ApiProperty({ type: TokenPermissionsViewDto })
  permissions!: TokenPermissionsViewDto;

  @ApiProperty({ type: [String], nullable: true, example: null, description: 'Addresses or CIDR ranges the token may be used from; null = anywhere' })
  allowed_ips!: string[] | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null, description: 'null = not revoked' })
  revoked_at!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Username of whoever revoked it' })
  revoked_by!: string | null;

  @ApiProperty({ type: String, enum: REVOCATION_REASONS, nullable: true, example: null, description: 'Why it was revoked; null = not revoked' })
  revoked_reason!: RevocationReason | null;
}

export class TokenDetailDto extends TokenMetadataDto {
  @ApiProperty({ description: 'Not revoked and not expired', example: true })
  is_active!: boolean;
}

export class TokenListDto {
  @ApiProperty({ type: [TokenMetadataDto] })
  tokens!: TokenMetadataDto[];

  @ApiProperty({ type: 'integer', example: 1, description: 'Tokens in this page' })
  count!: number;

  @ApiProperty({ enum: ROLES, enumName: 'Role', example: 'Admin', description: "The caller's role" })
  role!: Role;

  @NextCursorProperty()
  next_cursor!: string | null;
}

export class TokenEnvelopeDto {
  @ApiProperty({ type: TokenDetailDto })
  token!: TokenDetailDto;
}

export class RevokedTokenDto {
  @ApiProperty({ example: 'Token revoked successfully' })
  message!: string;

  @ApiProperty({ example: '1761055513181-215c579b' })
  tokenId!: string;
}
