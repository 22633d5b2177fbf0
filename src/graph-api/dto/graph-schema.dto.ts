import { ApiProperty } from '@nestjs/swagger';
import { GraphSchema } from '../graph-api.service';

export class GraphSchemaDto implements GraphSchema {
  @ApiProperty({ type: [String], example: ['Person'] })
  labels!: string[];

  @ApiProperty({ type: [String], example: ['KNOWS'] })
  relationshipTypes!: string[];

  @ApiProperty({ type: [String], example: ['name', 'since'] })
  propertyKeys!: string[];
}
