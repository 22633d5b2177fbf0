import { TokenExpiryDto } from './token-spec.dto';

/** Body of POST /tokens/{tokenId}/rotate (optional): the new token's expiry; default the old one's lifetime length from now. */
export class RotateTokenDto extends TokenExpiryDto {}
