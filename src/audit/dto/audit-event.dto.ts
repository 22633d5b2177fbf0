import { ApiProperty } from '@nestjs/swagger';
import { NextCursorProperty } from '../../paging/page-params';
import { AUDIT_EVENT_TYPES, AuditEventType } from '../audit-event';

export class AuditPartyDto {
  @ApiProperty({ type: String, nullable: true, example: 'default', description: 'null when nobody is known (an anonymous report, a failed attempt)' })
  username!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '1761055513181-215c579b', description: 'The token involved; null for a session or none' })
  token_id!: string | null;
}

/** One audit event: never a token, a hash, a password or a ciphertext. */
export class AuditEventDto {
  @ApiProperty({ example: '0f8b6a52-8cbb-4b8e-a7c1-5f3a1e0a9a2d' })
  id!: string;

  @ApiProperty({ format: 'date-time', example: '2025-11-24T12:00:00Z', description: 'When it happened (an aggregated event: its first occurrence)' })
  at!: string;

  @ApiProperty({ enum: AUDIT_EVENT_TYPES, enumName: 'AuditEventType', example: 'token.created' })
  type!: AuditEventType;

  @ApiProperty({ type: AuditPartyDto, description: 'Who did it' })
  actor!: AuditPartyDto;

  @ApiProperty({ type: AuditPartyDto, description: 'Whom it is about (others than admins see only events about themselves)' })
  subject!: AuditPartyDto;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7', description: 'Client address of the request (as resolved under TRUST_PROXY)' })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'curl/8.5.0', description: 'User-Agent of the request (at most 200 characters)' })
  user_agent!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { name: 'CI/CD Pipeline Token', expires_at: '2025-12-24T12:00:00Z', access: 'read-write', graphs: null, allowed_ips: null },
    description:
      'Depends on the type: `token.created` name, expiry and permissions (`rotated_from` after a rotation); `token.rotated` `rotated_to`; ' +
      'revocations `reason` (`token.reuse_detected` also `reused_token_id`); `token.ip_denied` `allowed_ips`; `session.logout` `reason`; ' +
      '`auth.failed` `credential` (`pat`, `session`, `password`) and `reason`. Aggregated events (`auth.failed`, `token.ip_denied`, at most ' +
      'one per credential or username and minute) add `count` and `last_at`.',
  })
  detail!: Record<string, unknown>;
}

export class AuditEventListDto {
  @ApiProperty({ type: [AuditEventDto], description: 'Newest first' })
  events!: AuditEventDto[];

  @NextCursorProperty()
  next_cursor!: string | null;
}
