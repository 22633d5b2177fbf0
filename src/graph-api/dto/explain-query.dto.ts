import { ApiProperty } from '@nestjs/swagger';
import { IsCypherText, MAX_QUERY_LENGTH } from './cypher-text';

/** Query string of GET /api/graph/{graph}/explain. */
export class ExplainQueryDto {
  @ApiProperty({ description: 'Cypher query to plan (it is not run)', example: 'MATCH (p:Person) RETURN p', maxLength: MAX_QUERY_LENGTH })
  @IsCypherText('query')
  query!: string;
}
