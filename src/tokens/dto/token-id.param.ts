import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export const TOKEN_ID_PATTERN = /^[0-9]{13}-[0-9a-f]{8}$/;

export class TokenIdParam {
  @ApiProperty({ example: '1761055513181-215c579b', pattern: TOKEN_ID_PATTERN.source })
  @Matches(TOKEN_ID_PATTERN, { message: 'tokenId must look like 1761055513181-215c579b' })
  tokenId!: string;
}
