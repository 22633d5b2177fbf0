import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';

/** "6379" and 6379 are both accepted, as in the announcement's curl example. */
const toPort = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : value;

/** true/false or "true"/"false". */
const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
};

/** A FalkorDB ACL user's credentials and the (allow-listed) server they belong to. */
export class FalkorDbCredentialsDto {
  @ApiProperty({ description: 'FalkorDB ACL username', example: 'default', minLength: 1, maxLength: 256 })
  @IsString()
  @Length(1, 256)
  username!: string;

  @ApiProperty({ description: 'FalkorDB password (may be empty)', example: '', maxLength: 1024 })
  @IsString()
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({ description: 'FalkorDB host; default: the configured server', example: 'localhost', maxLength: 255 })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  host?: string;

  @ApiPropertyOptional({
    description: 'FalkorDB port, as a number or a numeric string',
    oneOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'string', pattern: '^[0-9]{1,5}$' }],
    example: '6379',
  })
  @IsOptional()
  @Transform(toPort)
  @IsInt({ message: 'port must be an integer between 1 and 65535' })
  @Min(1, { message: 'port must be an integer between 1 and 65535' })
  @Max(65535, { message: 'port must be an integer between 1 and 65535' })
  port?: number;

  @ApiPropertyOptional({
    description: 'Connect with TLS; a boolean or "true"/"false"',
    oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }],
    example: 'false',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'tls must be true or false' })
  tls?: boolean;
}
