/**
 * Which variable sets each module option: the module validators name options, the service's
 * messages name the variables a user sets.
 */
/** Which variable sets each module option, to name the variable in the module validators' messages. */
const VARIABLE_OF_OPTION: Readonly<Record<string, string>> = {
  url: 'FALKORDB_URL',
  tokenStoreUrl: 'TOKEN_STORE_URL',
  'tokenStoreEmbedded.dataDir': 'FALKORDB_DATA_DIR',
  tokenStoreExposure: 'TOKEN_STORE_EXPOSURE',
  'embedded.port': 'FALKORDB_EMBEDDED_PORT',
  'embedded.dataDir': 'FALKORDB_DATA_DIR',
  tokenGraph: 'TOKEN_GRAPH',
  'userConnections.maxSize': 'GRAPH_MAX_CONNECTIONS',
  'userConnections.idleTimeoutMs': 'GRAPH_IDLE_CONNECTION_MS',
  'sentinel.sentinels': 'FALKORDB_SENTINELS',
  'sentinel.masterName': 'FALKORDB_SENTINEL_MASTER',
  'sentinel.username': 'FALKORDB_USERNAME',
  'sentinel.password': 'FALKORDB_PASSWORD',
  'sentinel.sentinelUsername': 'FALKORDB_SENTINEL_USERNAME',
  'sentinel.sentinelPassword': 'FALKORDB_SENTINEL_PASSWORD',
  'replicaAcks.minReplicas': 'FALKORDB_MIN_REPLICAS_ACK',
  'replicaAcks.timeoutMs': 'FALKORDB_REPLICA_ACK_TIMEOUT_MS',
  jwtSecret: 'JWT_SECRET',
  previousJwtSecrets: 'JWT_PREVIOUS_SECRETS',
  sessionSecret: 'SESSION_SECRET',
  encryptionKey: 'ENCRYPTION_KEY',
  sessionTtlSeconds: 'SESSION_TTL_SECONDS',
  tokenRetentionDays: 'TOKEN_RETENTION_DAYS',
  auditRetentionDays: 'AUDIT_RETENTION_DAYS',
  maxSessionsPerUser: 'SESSIONS_MAX_PER_USER',
  rotationReuseGraceSeconds: 'ROTATION_REUSE_GRACE_SECONDS',
  expiryNoticeDays: 'EXPIRY_NOTICE_DAYS',
  revokeUnusedAfterDays: 'TOKEN_REVOKE_UNUSED_DAYS',
  'eventWebhook.url': 'NOTIFY_WEBHOOK_URL',
  'eventWebhook.secret': 'NOTIFY_WEBHOOK_SECRET',
  'eventWebhook.events': 'NOTIFY_EVENTS',
  'eventWebhook.maxAttempts': 'NOTIFY_MAX_ATTEMPTS',
  sharedState: 'AUTH_SHARED_STATE',
  maxTtlSeconds: 'TOKEN_MAX_TTL_SECONDS',
  allowNeverExpiring: 'TOKEN_ALLOW_NEVER_EXPIRE',
  maxActiveTokensPerUser: 'TOKEN_MAX_ACTIVE_PER_USER',
  maxRows: 'GRAPH_MAX_ROWS',
  defaultTimeoutMs: 'GRAPH_QUERY_TIMEOUT_MS',
  maxTimeoutMs: 'GRAPH_MAX_QUERY_TIMEOUT_MS',
  maxQueuedPerCredential: 'GRAPH_MAX_QUEUED_PER_TOKEN',
  maxBusyConnectionsPerUser: 'GRAPH_MAX_BUSY_CONNECTIONS_PER_USER',
  maxBusyConnections: 'GRAPH_MAX_BUSY_CONNECTIONS',
};

const OPTION_NAME = new RegExp(
  `(?<![\\w.])(${Object.keys(VARIABLE_OF_OPTION).sort((a, b) => b.length - a.length).map((name) => name.replace('.', '\\.')).join('|')})(?![\\w])`,
  'g',
);

/** A module validator's message, with each option named by the variable that sets it. */
export function inVariableNames(problem: string): string {
  return problem.replace(OPTION_NAME, (option: string) => VARIABLE_OF_OPTION[option] ?? option);
}
