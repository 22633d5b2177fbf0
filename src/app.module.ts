import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { FalkorDbPatModule } from './falkordb-pat.module';
import { HealthModule } from './health/health.module';

/** The standalone service: every feature module through the facade (the settings page included, `/` leading to it), and the health probes. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const { falkordb, auth, tokens, graphApi } = config;
    return {
      module: AppModule,
      imports: [FalkorDbPatModule.forRoot({ falkordb, auth, tokens, graphApi, routes: { settingsPage: { redirectRoot: true } } }), HealthModule],
    };
  }
}
