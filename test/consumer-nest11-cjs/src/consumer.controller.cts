import { Body, Controller, Get, Ip, Post, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { BEARER_SCHEME, CurrentPrincipal, FalkorDbHealthIndicator, JwtAuthGuard, Principal, TokensService } from 'falkordb-pat';

/**
 * On the host's own public operations: `security: [{}]`, "no credential". applyPatOpenApi leaves
 * the host's operations as they are, and the OpenAPI linters want security declared on each.
 */
const ApiPublic = () => ApiSecurity({});

/** What this test app's own minting endpoint accepts (no validation: it is a test app). */
interface MintRequest {
  username: string;
  password: string;
  name: string;
}

/**
 * The host's own routes on top of the library: its guard alone (no ProblemDetailsFilter anywhere
 * in this app), its TokensService called from host code, and its health indicator.
 */
@ApiTags('Consumer')
@Controller()
export class ConsumerController {
  constructor(
    private readonly tokens: TokensService,
    private readonly falkordbHealth: FalkorDbHealthIndicator,
  ) {}

  @Get('me')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth(BEARER_SCHEME)
  @ApiOperation({ operationId: 'me', summary: 'Who the Personal Access Token belongs to' })
  me(@CurrentPrincipal() principal: Principal): { username: string } {
    return { username: principal.username };
  }

  @Post('mint')
  @ApiPublic()
  @ApiOperation({ operationId: 'mint', summary: "Mint a Personal Access Token from FalkorDB credentials, in the host's own code" })
  mint(@Body() body: MintRequest, @Ip() clientAddress: string) {
    const { username, password, name } = body;
    return this.tokens.createWithCredentials({ username, password, name, ttlSeconds: 3600 }, clientAddress);
  }

  @Get('health')
  @ApiPublic()
  @ApiOperation({ operationId: 'health', summary: 'FalkorDB reachability, in the terminus result shape' })
  async health() {
    const result = await this.falkordbHealth.isHealthy();
    if (result.falkordb.status !== 'up') throw new ServiceUnavailableException(result);
    return result;
  }
}
