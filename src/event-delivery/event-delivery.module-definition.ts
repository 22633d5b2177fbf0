import { configurableModule } from '../common/configurable-module';
import { EventDeliveryOptions } from './event-delivery.options';

export const {
  ConfigurableModuleClass: ConfigurableEventDeliveryModule,
  MODULE_OPTIONS_TOKEN: EVENT_DELIVERY_OPTIONS,
} = configurableModule<EventDeliveryOptions>('FalkorDbEventDelivery', { isGlobal: false });
