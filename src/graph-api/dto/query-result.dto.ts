import { ApiProperty } from '@nestjs/swagger';
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
    items: { type: 'array', items: {} },
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
