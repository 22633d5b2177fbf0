import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, IsOptional, IsPositive } from 'class-validator';
import { isObjectWithOnly } from '../../common/certainly-valid';
import { MAX_PARAM_DEPTH } from '../cypher-params';
import { isCertainlyCypherText, IsCypherText, MAX_QUERY_LENGTH } from './cypher-text';

const FIELDS: ReadonlySet<string> = new Set(['query', 'params', 'timeoutMs', 'readOnly']);

/** Body of POST /api/graph/{graph}/query. */
export class RunQueryDto {
  /** The common body, vouched for without class-validator (see CertainlyValidCheck); null and odd values take the full path. */
  static isCertainlyValid(value: unknown): boolean {
    if (!isObjectWithOnly(value, FIELDS) || !isCertainlyCypherText(value.query)) return false;
    const { params, timeoutMs, readOnly } = value;
    return (
      (params === undefined || (typeof params === 'object' && params !== null && !Array.isArray(params))) &&
      (timeoutMs === undefined || (Number.isSafeInteger(timeoutMs) && (timeoutMs as number) > 0)) &&
      (readOnly === undefined || typeof readOnly === 'boolean')
    );
  }

  @ApiProperty({
    description: 'Cypher query; refer to parameters as `$name`',
    example: 'MATCH (p:Person {name: $name})-[:KNOWS]->(friend) RETURN friend.name AS friend',
    minLength: 1,
    maxLength: MAX_QUERY_LENGTH,
  })
  @IsCypherText('query')
  query!: string;

  @ApiPropertyOptional({
    description:
      'Query parameters. Names and map keys are identifiers (`[A-Za-z_][A-Za-z0-9_]*`); values are strings, finite ' +
      `numbers, booleans, null, lists and maps, nested at most ${MAX_PARAM_DEPTH} levels. Anything else is refused with 400.`,
    type: 'object',
    additionalProperties: true,
    example: { name: 'Alice' },
  })
  @IsOptional()
  @IsObject({ message: 'params must be an object of parameter names to values' })
  params?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Time limit in milliseconds (the service has a default and a maximum). Past it: 504.',
    example: 5000,
    minimum: 1,
    type: 'integer',
  })
  @IsOptional()
  @IsInt({ message: 'timeoutMs must be a positive integer' })
  @IsPositive({ message: 'timeoutMs must be a positive integer' })
  timeoutMs?: number;

  @ApiPropertyOptional({
    description:
      'Run as GRAPH.RO_QUERY: a write is refused (400) and an unknown graph is 404. Read-Only users always run read-only. ' +
      'Without it, FalkorDB creates a graph that does not exist yet.',
    example: false,
  })
  @IsOptional()
  @IsBoolean({ message: 'readOnly must be true or false' })
  readOnly?: boolean;
}
