import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI description of the node/relationship/path objects that appear in query rows. */

const INTEGER_ID = {
  oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?[0-9]+$' }],
  description: 'Internal id (decimal text beyond ±2^53)',
  example: 0,
};

export class GraphNodeDto {
  @ApiProperty(INTEGER_ID)
  id!: number | string;

  @ApiProperty({ type: [String], example: ['Person'] })
  labels!: string[];

  @ApiProperty({ type: 'object', additionalProperties: true, example: { name: 'Alice', age: 33 } })
  properties!: Record<string, unknown>;
}

export class GraphRelationshipDto {
  @ApiProperty(INTEGER_ID)
  id!: number | string;

  @ApiProperty({ example: 'KNOWS' })
  type!: string;

  @ApiProperty({ ...INTEGER_ID, description: 'Id of the start node' })
  sourceId!: number | string;

  @ApiProperty({ ...INTEGER_ID, description: 'Id of the end node', example: 1 })
  destinationId!: number | string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { since: 2020 } })
  properties!: Record<string, unknown>;
}

export class GraphPathDto {
  @ApiProperty({ type: [GraphNodeDto] })
  nodes!: GraphNodeDto[];

  @ApiProperty({ type: [GraphRelationshipDto] })
  relationships!: GraphRelationshipDto[];
}
