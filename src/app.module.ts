import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { APP_CONFIG, AppConfigModule } from './config/app-config.module';
import { GraphModule } from './graph/graph.module';
import { GraphApiModule } from './graph-api/graph-api.module';
import { HealthModule } from './health/health.module';
import { TokensModule } from './tokens/tokens.module';

/** The standalone service: the feature modules and health probes, configured from the validated AppConfig. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        GraphModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (app: AppConfig) => ({
            url: app.falkordbUrl,
            embedded: app.falkordbUrl ? undefined : { dataDir: `${app.dataDir}/falkordb`, port: app.embeddedPort },
            tokenGraph: app.tokenGraph,
          }),
        }),
        AuthModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (app: AppConfig) => ({
            jwtSecret: app.jwtSecret,
            previousJwtSecrets: app.previousJwtSecrets,
            sessionSecret: app.sessionSecret,
            encryptionKey: app.encryptionKey,
            allowedServers: app.allowedServers,
            sessionTtlSeconds: app.sessionTtlSeconds,
            secureCookies: app.secureCookies,
            trustedOrigins: app.corsOrigins,
          }),
        }),
        TokensModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (app: AppConfig) => ({
            maxTtlSeconds: app.tokenMaxTtlSeconds,
            allowNeverExpiring: app.allowNeverExpiring,
            maxActiveTokensPerUser: app.maxActiveTokensPerUser,
          }),
        }),
        GraphApiModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (app: AppConfig) => app.graphApi }),
        HealthModule,
      ],
    };
  }
}
