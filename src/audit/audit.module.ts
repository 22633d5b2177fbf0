import { Module } from '@nestjs/common';
import { PageCursors } from '../paging/page-cursors';
import { AuditEventAggregator } from './audit-event-aggregator';
import { AuditEventRepository } from './audit-event.repository';
import { AUDIT_MODULE_OPTIONS, ConfigurableAuditModule } from './audit.module-definition';
import { AuditModuleOptions } from './audit.options';
import { AuditService } from './audit.service';
import { DeliveredEventTypes } from './outbox/delivered-event-types';
import { EventOutbox } from './outbox/event-outbox';

/**
 * The audit log: its events in the token store (AuditEventRepository, its own), the aggregator
 * that folds repeated failures into one event a minute, and AuditService, which lists them for a
 * caller and purges old ones, and the delivery outbox (EventOutbox) the event webhook drains. Its HTTP face is AuditApiModule (src/audit/http), above auth. Needs
 * FalkorDbModule (global) for the store.
 */
@Module({
  providers: [
    AuditEventRepository,
    AuditEventAggregator,
    AuditService,
    EventOutbox,
    {
      provide: DeliveredEventTypes,
      inject: [AUDIT_MODULE_OPTIONS],
      useFactory: (options: AuditModuleOptions) => new DeliveredEventTypes(options.deliveredEventTypes ?? []),
    },
    { provide: PageCursors, inject: [AUDIT_MODULE_OPTIONS], useFactory: (options: AuditModuleOptions) => new PageCursors(options.encryptionKey) },
  ],
  exports: [AuditService, AuditEventAggregator, DeliveredEventTypes, EventOutbox],
})
export class AuditModule extends ConfigurableAuditModule {}
