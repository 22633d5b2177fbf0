import { Injectable } from '@nestjs/common';
import { CredentialKind } from '../../domain/credential-kind';
import { CredentialNodes } from './credential-nodes';
import { SessionRepository } from './session.repository';
import { TokenRepository } from './token.repository';

/** The stored nodes of each kind of credential: tokens and sessions, for code that serves both. */
@Injectable()
export class CredentialNodesByKind {
  constructor(
    readonly tokens: TokenRepository,
    readonly sessions: SessionRepository,
  ) {}

  of(kind: CredentialKind): CredentialNodes {
    return kind === 'pat' ? this.tokens : this.sessions;
  }
}
