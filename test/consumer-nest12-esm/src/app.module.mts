import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { FalkorDbPatModule } from 'falkordb-pat';
import { ConsumerController } from './consumer.controller.mjs';

/** The host's root module: its own config, our facade (default route prefixes, the settings page at /admin/tokens), its own controller. */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
    FalkorDbPatModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        falkordb: { url: config.getOrThrow<string>('FALKORDB_URL') },
        auth: {
          jwtSecret: config.getOrThrow<string>('PAT_JWT_SECRET'),
          sessionSecret: config.getOrThrow<string>('PAT_SESSION_SECRET'),
          encryptionKey: config.getOrThrow<string>('PAT_ENCRYPTION_KEY'),
        },
      }),
      settingsPage: { path: 'admin/tokens' },
    }),
  ],
  controllers: [ConsumerController],
})
export class AppModule {}
