import { ApiProperty } from '@nestjs/swagger';

export class CreatedTokenDto {
  @ApiProperty({ description: 'The token. Shown only this once: store it securely.', example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  token!: string;

  @ApiProperty({ example: '1761055513181-215c579b', pattern: '^[0-9]{13}-[0-9a-f]{8}$' })
  tokenId!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2025-12-24T12:00:00Z', description: 'null = never expires' })
  expiresAt!: string | null;
}
