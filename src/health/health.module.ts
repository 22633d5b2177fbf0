import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** `GET /health/live` and `GET /health/ready`. Needs GraphModule (global). */
@Module({ controllers: [HealthController] })
export class HealthModule {}
