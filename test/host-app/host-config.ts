/**
 * The host application's own settings, as its ConfigService serves them (`@nestjs/config`, loaded
 * from a factory here instead of .env files). Nothing in them is specific to our modules' names:
 * the host maps its settings onto our options itself (see pat-options.ts).
 */
export interface HostSettings {
  falkordb: { host: string; port: number };
  pat: {
    jwtSecret: string;
    sessionSecret: string;
    encryptionKey: string;
    tokenGraph: string;
    issuer: string;
    sessionCookie: string;
    maxTokenLifetimeSeconds: number;
  };
}

/** Where the host mounts our routes (instead of our defaults api/auth and api/graph). */
export const HOST_PAT_PREFIX = 'v1/pat';
export const HOST_GRAPH_PREFIX = 'v1/graph';

export function hostSettings(falkordbPort: number, tokenGraph: string): HostSettings {
  return {
    falkordb: { host: '127.0.0.1', port: falkordbPort },
    pat: {
      jwtSecret: 'host-app-jwt-secret-0123456789abcdefghijkl',
      sessionSecret: 'host-app-session-secret-0123456789abcdefgh',
      encryptionKey: '7c'.repeat(32),
      tokenGraph,
      issuer: 'host-app',
      sessionCookie: 'host_session',
      maxTokenLifetimeSeconds: 7 * 24 * 3600,
    },
  };
}
