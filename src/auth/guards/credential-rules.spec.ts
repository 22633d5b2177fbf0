import { ForbiddenError } from '../../common/domain-errors';
import { assertCredentialKindAccepted } from './credential-kind-rule';
import { assertSameOriginSession } from './same-origin-rule';

const HOST = { host: 'pat.example.com' };

describe('assertCredentialKindAccepted', () => {
  it('lets any kind through a route that names none, and the kinds a route names', () => {
    expect(() => assertCredentialKindAccepted(undefined, { kind: 'pat' })).not.toThrow();
    expect(() => assertCredentialKindAccepted(['session'], { kind: 'session' })).not.toThrow();
    expect(() => assertCredentialKindAccepted(['pat', 'session'], { kind: 'pat' })).not.toThrow();
  });

  it('refuses another kind with 403, saying which kind the route needs', () => {
    expect(() => assertCredentialKindAccepted(['session'], { kind: 'pat' })).toThrow(
      new ForbiddenError('This operation needs a browser session; a Personal Access Token cannot be used for it'),
    );
    expect(() => assertCredentialKindAccepted(['pat'], { kind: 'session' })).toThrow(new ForbiddenError('This operation needs a Personal Access Token'));
  });
});

describe('assertSameOriginSession', () => {
  const refused = 'Cross-site request refused: a session request that changes state needs a same-origin Origin header';

  it('asks nothing of a PAT, nor of a session that only reads', () => {
    expect(() => assertSameOriginSession({ method: 'POST', headers: HOST }, { kind: 'pat' }, [])).not.toThrow();
    expect(() => assertSameOriginSession({ method: 'GET', headers: HOST }, { kind: 'session' }, [])).not.toThrow();
  });

  it('lets a session change state from its own origin (Origin or Referer) or a trusted one', () => {
    expect(() => assertSameOriginSession({ method: 'DELETE', headers: { ...HOST, origin: 'https://pat.example.com' } }, { kind: 'session' }, [])).not.toThrow();
    expect(() => assertSameOriginSession({ method: 'POST', headers: { ...HOST, referer: 'https://pat.example.com/settings' } }, { kind: 'session' }, [])).not.toThrow();
    expect(() => assertSameOriginSession({ method: 'POST', headers: { ...HOST, origin: 'https://admin.example.com' } }, { kind: 'session' }, ['https://admin.example.com'])).not.toThrow();
  });

  it('refuses a session that changes state from another origin, from "null", or without any', () => {
    for (const headers of [{ ...HOST, origin: 'https://evil.example' }, { ...HOST, origin: 'null' }, HOST]) {
      expect(() => assertSameOriginSession({ method: 'POST', headers }, { kind: 'session' }, [])).toThrow(new ForbiddenError(refused));
    }
  });
});
