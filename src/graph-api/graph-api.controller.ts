import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, UseFilters, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '../auth/decorators/authenticated.decorator';
import { CurrentPrincipal } from '../auth/decorators/current-principal.decorator';
import { Principal } from '../domain/principal';
import { ProblemDetailsDto } from '../common/problem-details.dto';
import { ProblemDetailsFilter } from '../common/problem-details.filter';
import { createValidationPipe } from '../common/validation.pipe';
import { DeletedGraphDto } from './dto/deleted-graph.dto';
import { ExplainQueryDto } from './dto/explain-query.dto';
import { GraphNodeDto, GraphPathDto, GraphRelationshipDto } from './dto/graph-entity.dto';
import { GraphListDto } from './dto/graph-list.dto';
import { GraphNameParam } from './dto/graph-name.param';
import { GraphSchemaDto } from './dto/graph-schema.dto';
import { QueryPlanDto } from './dto/query-plan.dto';
import { QueryResultDto } from './dto/query-result.dto';
import { RunQueryDto } from './dto/run-query.dto';
import { GraphApiService } from './graph-api.service';

const BAD_GRAPH_NAME = { type: ProblemDetailsDto, description: 'The graph name is invalid (the field is named)' };
const BAD_QUERY = {
  type: ProblemDetailsDto,
  description: 'Invalid graph name, body or parameter (each bad field is named), or FalkorDB rejected the query (syntax, missing parameter, runtime error): its message is the detail',
};
const FORBIDDEN = {
  type: ProblemDetailsDto,
  description: "FalkorDB's ACL refuses this to the credential's user (NOPERM), a Read-Only user tried to write, or the graph is the service's token store (never queried here)",
};
const GRAPH_NOT_FOUND = { type: ProblemDetailsDto, description: 'The graph does not exist' };
const TIMED_OUT = { type: ProblemDetailsDto, description: 'FalkorDB did not answer within the time limit' };

/**
 * Run FalkorDB work with a token (or session): every command is sent on a connection opened as the
 * credential's own FalkorDB ACL user, so FalkorDB's permissions apply exactly as they would to that user.
 */
@ApiTags('Graph')
@ApiExtraModels(GraphNodeDto, GraphRelationshipDto, GraphPathDto)
@Controller()
@UseFilters(ProblemDetailsFilter)
@UsePipes(createValidationPipe())
export class GraphApiController {
  constructor(private readonly graphs: GraphApiService) {}

  @Get()
  @Authenticated()
  @ApiOperation({
    operationId: 'listGraphs',
    summary: 'List graphs',
    description: "Graphs on the credential's FalkorDB server (GRAPH.LIST as its user). The service's token store is listed for admins only.",
  })
  @ApiOkResponse({ type: GraphListDto, description: 'The graphs the caller may see' })
  @ApiForbiddenResponse(FORBIDDEN)
  @ApiGatewayTimeoutResponse(TIMED_OUT)
  async listGraphs(@CurrentPrincipal() principal: Principal): Promise<GraphListDto> {
    return { graphs: await this.graphs.listGraphs(principal) };
  }

  @Post(':graph/query')
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @ApiOperation({
    operationId: 'runQuery',
    summary: 'Run a Cypher query',
    description:
      'Runs the query as the credential\'s FalkorDB user: GRAPH.RO_QUERY for Read-Only users and `readOnly: true`, ' +
      'GRAPH.QUERY otherwise (which creates a graph that does not exist yet). Returns the columns, the rows as plain JSON ' +
      '(at most the configured row limit, then `truncated`), and FalkorDB\'s statistics. The service\'s token store ' +
      '(token hashes, sealed passwords) is never queried here, not even by admins: use the tokens API.',
  })
  @ApiBody({ type: RunQueryDto })
  @ApiOkResponse({ type: QueryResultDto, description: 'Columns, rows as plain JSON, and FalkorDB\'s statistics' })
  @ApiBadRequestResponse(BAD_QUERY)
  @ApiForbiddenResponse(FORBIDDEN)
  @ApiNotFoundResponse({ ...GRAPH_NOT_FOUND, description: 'The graph does not exist (read-only queries)' })
  @ApiGatewayTimeoutResponse(TIMED_OUT)
  runQuery(@CurrentPrincipal() principal: Principal, @Param() { graph }: GraphNameParam, @Body() body: RunQueryDto): Promise<QueryResultDto> {
    return this.graphs.query(principal, graph, body);
  }

  @Get(':graph/explain')
  @Authenticated()
  @ApiOperation({ operationId: 'explainQuery', summary: 'Show the execution plan of a query without running it' })
  @ApiOkResponse({ type: QueryPlanDto, description: 'The execution plan, one line per operation' })
  @ApiBadRequestResponse(BAD_QUERY)
  @ApiForbiddenResponse(FORBIDDEN)
  @ApiNotFoundResponse(GRAPH_NOT_FOUND)
  @ApiGatewayTimeoutResponse(TIMED_OUT)
  async explainQuery(
    @CurrentPrincipal() principal: Principal,
    @Param() { graph }: GraphNameParam,
    @Query() { query }: ExplainQueryDto,
  ): Promise<QueryPlanDto> {
    return { plan: await this.graphs.explain(principal, graph, query) };
  }

  @Get(':graph/schema')
  @Authenticated()
  @ApiOperation({ operationId: 'getGraphSchema', summary: 'List the labels, relationship types and property keys of a graph' })
  @ApiOkResponse({ type: GraphSchemaDto, description: 'Labels, relationship types and property keys' })
  @ApiBadRequestResponse(BAD_GRAPH_NAME)
  @ApiForbiddenResponse(FORBIDDEN)
  @ApiNotFoundResponse(GRAPH_NOT_FOUND)
  @ApiGatewayTimeoutResponse(TIMED_OUT)
  getGraphSchema(@CurrentPrincipal() principal: Principal, @Param() { graph }: GraphNameParam): Promise<GraphSchemaDto> {
    return this.graphs.schema(principal, graph);
  }

  @Delete(':graph')
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @ApiOperation({
    operationId: 'deleteGraph',
    summary: 'Delete a graph',
    description: "GRAPH.DELETE as the credential's user: FalkorDB's ACL decides. The service's token store can never be deleted here.",
  })
  @ApiOkResponse({ type: DeletedGraphDto, description: 'The graph was deleted' })
  @ApiBadRequestResponse(BAD_GRAPH_NAME)
  @ApiForbiddenResponse(FORBIDDEN)
  @ApiNotFoundResponse(GRAPH_NOT_FOUND)
  @ApiGatewayTimeoutResponse(TIMED_OUT)
  async deleteGraph(@CurrentPrincipal() principal: Principal, @Param() { graph }: GraphNameParam): Promise<DeletedGraphDto> {
    await this.graphs.deleteGraph(principal, graph);
    return { message: 'Graph deleted successfully', graph };
  }
}
