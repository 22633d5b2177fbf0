import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { GRAPH_NAME_PATTERN, GRAPH_NAME_RULE } from '../graph-name';

export class GraphNameParam {
  @ApiProperty({ description: `Graph name: ${GRAPH_NAME_RULE}`, example: 'social', pattern: GRAPH_NAME_PATTERN.source })
  @Matches(GRAPH_NAME_PATTERN, { message: `graph must be ${GRAPH_NAME_RULE}` })
  graph!: string;
}
