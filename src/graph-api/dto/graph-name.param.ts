import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { isObjectWithOnly } from '../../common/certainly-valid';
import { GRAPH_NAME_PATTERN, GRAPH_NAME_RULE } from '../graph-name';

const FIELDS: ReadonlySet<string> = new Set(['graph']);

export class GraphNameParam {
  /** Vouched for without class-validator (see CertainlyValidCheck). */
  static isCertainlyValid(value: unknown): boolean {
    return isObjectWithOnly(value, FIELDS) && typeof value.graph === 'string' && GRAPH_NAME_PATTERN.test(value.graph);
  }

  @ApiProperty({ description: `Graph name: ${GRAPH_NAME_RULE}`, example: 'social', pattern: GRAPH_NAME_PATTERN.source })
  @Matches(GRAPH_NAME_PATTERN, { message: `graph must be ${GRAPH_NAME_RULE}` })
  graph!: string;
}
