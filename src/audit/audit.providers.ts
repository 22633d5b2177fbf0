import { Provider } from '@nestjs/common';
import { AuditEventAggregator } from './audit-event-aggregator';
import { AuditEventRepository } from './audit-event.repository';
import { AuditService } from './audit.service';

/** The audit log's providers, registered by AuthModule beside the credential store whose writes create the events. */
export const AUDIT_PROVIDERS: Provider[] = [AuditEventRepository, AuditEventAggregator, AuditService];
