import { DynamicModule, Module } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { AppConfig } from './config/app-config';
import { FalkorDbPatModule } from './falkordb-pat.module';
import { HealthModule } from './health/health.module';

/** The standalone service: every feature module through the facade (the settings page included, `/` leading to it), and the health probes. */
@Module({})
export class AppModule {
  /** `metrics`: the registry the service's metrics go into (the metrics listener serves it); none = not counted. */
  static forRoot(config: AppConfig, metrics?: Registry): DynamicModule {
    const { falkordb, auth, tokens, graphApi } = config;
    const routes = { settingsPage: { redirectRoot: true }, ...(metrics ? { metrics: { registry: metrics } } : {}) };
    return {
      module: AppModule,
      imports: [FalkorDbPatModule.forRoot({ falkordb, auth, tokens, graphApi, routes }), HealthModule],
    };
  }
}
