import { configurableModule } from '../common/configurable-module';
import { AuditModuleOptions } from './audit.options';

export const {
  ConfigurableModuleClass: ConfigurableAuditModule,
  MODULE_OPTIONS_TOKEN: AUDIT_MODULE_OPTIONS,
} = configurableModule<AuditModuleOptions>('FalkorDbAudit', { isGlobal: false });
