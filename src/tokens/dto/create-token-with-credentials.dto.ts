import { IntersectionType } from '@nestjs/swagger';
import { FalkorDbCredentialsDto } from '../../auth/dto/falkordb-credentials.dto';
import { TokenSpecDto } from './token-spec.dto';

/** Body of POST /api/auth/tokens/credentials: FalkorDB credentials plus the token to create. */
export class CreateTokenWithCredentialsDto extends IntersectionType(FalkorDbCredentialsDto, TokenSpecDto) {}
