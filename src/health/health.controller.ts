import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiExcludeController, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { StoreUnavailableError } from '../falkordb/falkordb-errors';
import { ProblemDetailsDto } from '../common/problem-details.dto';
import { ProblemDetailsFilter } from '../common/problem-details.filter';
import { TokenStoreExposure } from '../credentials/token-store-exposure';
import { FalkorDbHealthIndicator } from '../falkordb/falkordb-health.indicator';
import { HealthStatusDto } from './health-status.dto';

/**
 * Probes for load balancers and orchestrators. No authentication, no details beyond up/down.
 * Not part of the public API document (openapi.json): generated SDKs need no probe methods.
 */
@ApiExcludeController()
@ApiTags('Health')
@Controller('health')
@UseFilters(ProblemDetailsFilter)
export class HealthController {
  constructor(
    private readonly falkordb: FalkorDbHealthIndicator,
    private readonly exposure: TokenStoreExposure,
  ) {}

  @Get('live')
  @ApiOperation({ operationId: 'liveness', summary: 'The process is up and serving HTTP' })
  @ApiOkResponse({ type: HealthStatusDto })
  live(): HealthStatusDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ operationId: 'readiness', summary: 'The service can serve requests: FalkorDB answers' })
  @ApiOkResponse({ type: HealthStatusDto })
  @ApiServiceUnavailableResponse({ type: ProblemDetailsDto, description: 'FalkorDB cannot be reached' })
  async ready(): Promise<HealthStatusDto> {
    const { falkordb } = await this.falkordb.isHealthy();
    if (falkordb.status === 'down') throw new StoreUnavailableError('FalkorDB is not reachable');
    return { status: 'ok', falkordb: 'up', tokenStore: this.exposure.state };
  }
}
