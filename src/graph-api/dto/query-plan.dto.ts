import { ApiProperty } from '@nestjs/swagger';

export class QueryPlanDto {
  @ApiProperty({
    description: 'Execution plan, one operation per line, indented by depth',
    type: [String],
    example: ['Results', '    Project', '        Node By Label Scan | (p:Person)'],
  })
  plan!: string[];
}
