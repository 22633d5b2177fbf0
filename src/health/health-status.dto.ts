import { ApiProperty } from '@nestjs/swagger';
import type { TokenStoreExposureState } from '../credentials/token-store-exposure';

export class HealthStatusDto {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';

  @ApiProperty({ required: false, example: 'up', description: 'FalkorDB reachability (readiness only)' })
  falkordb?: 'up';

  @ApiProperty({
    required: false,
    enum: ['isolated', 'exposed', 'unchecked'],
    description: 'Whether FalkorDB users other than admins can write the token graph (readiness only; the startup log names them)',
  })
  tokenStore?: TokenStoreExposureState;
}
