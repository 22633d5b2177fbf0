import { isoOrNull, isoSeconds } from '../common/iso-time';
import { TokenRecord } from '../credentials/store/token.record';
import { TokenDetailDto, TokenMetadataDto } from './dto/token-metadata.dto';

export function isActive(record: TokenRecord, now: number): boolean {
  return !record.revoked && (record.expiresAt === null || record.expiresAt > now);
}

export function toMetadata(record: TokenRecord): TokenMetadataDto {
  return {
    token_id: record.id,
    user_id: record.userId,
    username: record.username,
    name: record.name,
    role: record.role,
    host: record.host,
    port: record.port,
    created_at: isoSeconds(record.createdAt),
    expires_at: isoOrNull(record.expiresAt),
    last_used: isoOrNull(record.lastUsed),
    last_used_ip: record.lastUsedIp,
    last_used_user_agent: record.lastUsedUserAgent,
    recent_ips: record.recentIps,
    permissions: { access: record.permissions.access, graphs: record.permissions.graphs },
    allowed_ips: record.allowedIps,
    revoked_at: isoOrNull(record.revokedAt),
    revoked_by: record.revokedBy,
    revoked_reason: record.revokedReason,
  };
}

export function toDetail(record: TokenRecord, now: number): TokenDetailDto {
  return { ...toMetadata(record), is_active: isActive(record, now) };
}
