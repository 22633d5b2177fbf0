import { ApiProperty } from '@nestjs/swagger';

export class DeletedGraphDto {
  @ApiProperty({ example: 'Graph deleted successfully' })
  message!: string;

  @ApiProperty({ example: 'social' })
  graph!: string;
}
