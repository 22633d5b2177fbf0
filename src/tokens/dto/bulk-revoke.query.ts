import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

/** Query of DELETE /tokens: whose tokens to revoke (default: the caller's own). */
export class BulkRevokeQuery {
  @ApiPropertyOptional({ description: "A username of the caller's FalkorDB server; another user's needs Admin. Default: the caller", example: 'ci_bot' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  username?: string;
}

export class RevokedAllDto {
  @ApiProperty({ example: 'Tokens revoked successfully' })
  message!: string;

  @ApiProperty({ type: 'integer', example: 3, description: 'How many active tokens were revoked' })
  revoked!: number;
}
