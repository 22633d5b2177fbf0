import { Module } from '@nestjs/common';
import { ConfigurableEventDeliveryModule } from './event-delivery.module-definition';
import { EventDeliveryWorker } from './event-delivery.worker';

/**
 * The event webhook: drains the audit log's delivery outbox (EventOutbox, from the AuditModule its
 * importer hands it) to the receiver, signed. Needs CredentialsModule's TokenStoreExposure (a store
 * other users can write is not signed for).
 */
@Module({
  providers: [EventDeliveryWorker],
  exports: [EventDeliveryWorker],
})
export class EventDeliveryModule extends ConfigurableEventDeliveryModule {}
