import { TokenSpecDto } from './token-spec.dto';

/** Body of POST /api/auth/tokens (session callers). */
export class CreateTokenDto extends TokenSpecDto {}
