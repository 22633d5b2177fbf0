import { FalkorDbCredentialsDto } from './falkordb-credentials.dto';

/** Body of POST /api/auth/login. */
export class LoginDto extends FalkorDbCredentialsDto {}
