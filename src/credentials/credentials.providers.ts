import { Provider } from '@nestjs/common';
import { CredentialRetention } from './credential-retention';
import { CredentialStore } from './credential-store';
import { TokenStoreExposure } from './token-store-exposure';
import { CredentialStoreSchema } from './store/credential-store.schema';
import { SessionRepository } from './store/session.repository';
import { TokenRepository } from './store/token.repository';

/**
 * The credential store's providers. The module that registers them also provides
 * CREDENTIAL_STORE_OPTIONS and exports CredentialStore, the facade (and TokenStoreExposure, for readiness).
 */
// TokenStoreExposure first: its startup check runs before the schema is written (a refused store is never touched).
export const CREDENTIAL_PROVIDERS: Provider[] = [TokenStoreExposure, CredentialStoreSchema, TokenRepository, SessionRepository, CredentialStore, CredentialRetention];
