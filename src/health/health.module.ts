import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** `GET /health/live` and `GET /health/ready`. Needs FalkorDbModule (global). */
@Module({ controllers: [HealthController] })
export class HealthModule {}
