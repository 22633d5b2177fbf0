import { ApiProperty } from '@nestjs/swagger';
import { ROLES, Role } from '../../domain/role';

export class LoginResponseDto {
  @ApiProperty({ example: 'default' })
  username!: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role', example: 'Admin' })
  role!: Role;

  @ApiProperty({ description: 'When the session ends', format: 'date-time', example: '2025-11-24T20:00:00Z' })
  expiresAt!: string;
}
