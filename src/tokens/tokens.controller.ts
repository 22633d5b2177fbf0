import { Body, Controller, Header, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, UseFilters, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ClientAddress } from '../auth/client-address';
import { Authenticated } from '../auth/decorators/authenticated.decorator';
import { CurrentPrincipal } from '../auth/decorators/current-principal.decorator';
import { Principal } from '../auth/principal';
import { NO_STORE } from '../common/no-store';
import { ProblemDetailsDto } from '../common/problem-details.dto';
import { ProblemDetailsFilter } from '../common/problem-details.filter';
import { createValidationPipe } from '../common/validation.pipe';
import { CreateTokenWithCredentialsDto } from './dto/create-token-with-credentials.dto';
import { CreateTokenDto } from './dto/create-token.dto';
import { CreatedTokenDto } from './dto/created-token.dto';
import { ListTokensQuery } from './dto/list-tokens.query';
import { TokenIdParam } from './dto/token-id.param';
import { RevokedTokenDto, TokenEnvelopeDto, TokenListDto } from './dto/token-metadata.dto';
import { TokensService } from './tokens.service';

const BAD_REQUEST = { type: ProblemDetailsDto, description: 'A field is missing or invalid (each bad field is named)' };
const NOT_FOUND = { type: ProblemDetailsDto, description: 'No such token, or not one the caller may see' };
/**
 * Request examples (Swagger UI's "Try it out" sends the chosen one; the first by key is the default).
 * No fixed-date example: any fixed date eventually falls outside the allowed lifetime.
 */
const SPEC_EXAMPLES = {
  byTtlSeconds: { summary: 'Expires in 30 days', value: { name: 'CI/CD Pipeline Token', ttlSeconds: 2592000 } },
  neverExpires: { summary: 'Never expires', value: { name: 'Long-running integration' } },
};
const SERVER_CREDENTIALS = { username: 'default', password: '', host: 'localhost', port: 6379, tls: false };
const CREDENTIAL_EXAMPLES = Object.fromEntries(
  Object.entries(SPEC_EXAMPLES).map(([key, example]) => [key, { ...example, value: { ...SERVER_CREDENTIALS, ...example.value } }]),
);

const CONFLICT = { type: ProblemDetailsDto, description: 'The user already holds the maximum number of active tokens' };

@ApiTags('Tokens')
@Controller('tokens')
@UseFilters(ProblemDetailsFilter)
@UsePipes(createValidationPipe())
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post('credentials')
  @Header('Cache-Control', NO_STORE)
  @ApiOperation({
    operationId: 'createTokenWithCredentials',
    summary: 'Generate a token with FalkorDB credentials',
    description:
      'For API and CLI users: authenticates with FalkorDB as the given user and returns a new token. ' +
      'The token is shown only once.',
  })
  @ApiBody({ type: CreateTokenWithCredentialsDto, examples: CREDENTIAL_EXAMPLES })
  @ApiCreatedResponse({ type: CreatedTokenDto, description: 'The new token, shown only this once' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiUnauthorizedResponse({ type: ProblemDetailsDto, description: 'Invalid username or password' })
  @ApiConflictResponse(CONFLICT)
  @ApiForbiddenResponse({ type: ProblemDetailsDto, description: 'The FalkorDB user may not run graph queries at all' })
  @ApiTooManyRequestsResponse({ type: ProblemDetailsDto, description: 'Too many failed attempts' })
  @ApiServiceUnavailableResponse({ type: ProblemDetailsDto, description: 'FalkorDB cannot be reached' })
  createWithCredentials(@Body() body: CreateTokenWithCredentialsDto, @ClientAddress() client: string): Promise<CreatedTokenDto> {
    return this.tokens.createWithCredentials(body, client);
  }

  @Post()
  @Header('Cache-Control', NO_STORE)
  @Authenticated({ only: ['session'] })
  @ApiOperation({
    operationId: 'createToken',
    summary: 'Generate a token for the logged-in browser session',
    description: 'Needs a session cookie (POST /api/auth/login). A Personal Access Token cannot mint tokens.',
  })
  @ApiBody({ type: CreateTokenDto, examples: SPEC_EXAMPLES })
  @ApiCreatedResponse({ type: CreatedTokenDto, description: 'The new token, shown only this once' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiConflictResponse(CONFLICT)
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateTokenDto): Promise<CreatedTokenDto> {
    return this.tokens.createForPrincipal(principal, body);
  }

  @Get()
  @Authenticated()
  @ApiOperation({
    operationId: 'listTokens',
    summary: 'List tokens (active by default)',
    description: 'Admins see every token of their FalkorDB server; other users see only their own.',
  })
  @ApiOkResponse({ type: TokenListDto, description: 'Tokens in the caller\'s scope and the chosen state, newest first, and the caller\'s role' })
  @ApiBadRequestResponse(BAD_REQUEST)
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListTokensQuery): Promise<TokenListDto> {
    return this.tokens.list(principal, query.state);
  }

  @Get(':tokenId')
  @Authenticated()
  @ApiOperation({ operationId: 'getToken', summary: 'Get one token (owner or admin)' })
  @ApiOkResponse({ type: TokenEnvelopeDto, description: 'The token\'s metadata (never the token itself)' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  async get(@CurrentPrincipal() principal: Principal, @Param() params: TokenIdParam): Promise<TokenEnvelopeDto> {
    return { token: await this.tokens.get(principal, params.tokenId) };
  }

  @Delete(':tokenId')
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @ApiOperation({
    operationId: 'revokeToken',
    summary: 'Revoke a token (owner or admin)',
    description: 'Takes effect on the next request, on every instance. Revoking a revoked token succeeds again.',
  })
  @ApiOkResponse({ type: RevokedTokenDto, description: 'Revoked (also when it already was)' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  revoke(@CurrentPrincipal() principal: Principal, @Param() params: TokenIdParam): Promise<RevokedTokenDto> {
    return this.tokens.revoke(principal, params.tokenId);
  }
}
