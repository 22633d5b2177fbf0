import { ApiProperty } from '@nestjs/swagger';

export class GraphListDto {
  @ApiProperty({ type: [String], example: ['social', 'movies'] })
  graphs!: string[];
}
