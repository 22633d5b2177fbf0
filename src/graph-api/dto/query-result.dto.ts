import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { GraphNodeDto, GraphPathDto, GraphRelationshipDto } from './graph-entity.dto';
import { JsonValue } from '../json-value';
import { QueryStats } from '../query-stats';
import { QueryResult } from '../result-mapper';

export class QueryResultDto implements QueryResult {
  @ApiProperty({ type: [String], example: ['friend'] })
  columns!: string[];

  @ApiProperty({
    description:
      'One array per row, values in column order, as plain JSON: nodes are GraphNode, relationships GraphRelationship, ' +
      'paths GraphPath; points {latitude, longitude}; dates, times and durations ISO 8601 text; integers beyond ±2^53 ' +
      'and non-finite doubles as text.',
    type: 'array',
    items: {
      type: 'array',
      // Any JSON value; the graph entities are named so generated clients get their types.
      items: {
        anyOf: [
          ...[GraphNodeDto, GraphRelationshipDto, GraphPathDto].map((dto) => ({ $ref: getSchemaPath(dto) })),
          { type: 'string' },
          { type: 'number' },
          { type: 'boolean' },
          { type: 'array', items: {} },
          // nullable here: OpenAPI 3.0 spells JSON null as a nullable typed schema.
          { type: 'object', additionalProperties: true, nullable: true },
        ],
      },
    },
    example: [['Bob'], ['Carol']],
  })
  rows!: JsonValue[][];

  @ApiProperty({
    description: "FalkorDB's statistics, camelCased; times in milliseconds end in `Ms`",
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'number' }, { type: 'string' }] },
    example: { nodesCreated: 0, cachedExecution: 0, queryInternalExecutionTimeMs: 0.42 },
  })
  stats!: QueryStats;

  @ApiProperty({ description: 'True when the query returned more rows than the row limit; the rest were dropped', example: false })
  truncated!: boolean;
}
