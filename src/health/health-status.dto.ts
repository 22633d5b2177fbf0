import { ApiProperty } from '@nestjs/swagger';

export class HealthStatusDto {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';

  @ApiProperty({ required: false, example: 'up', description: 'FalkorDB reachability (readiness only)' })
  falkordb?: 'up';
}
