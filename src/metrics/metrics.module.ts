import { DynamicModule, Module } from '@nestjs/common';
import { register as defaultRegistry, Registry } from 'prom-client';
import { PatMetrics } from './pat-metrics';

export interface MetricsModuleOptions {
  /** The registry the metrics join. Default: prom-client's default registry (what a host's `/metrics` usually serves). */
  registry?: Registry;
}

/**
 * The service's Prometheus metrics (PatMetrics), global so every module counts into the same
 * registry; modules take it as optional, so without this module nothing is counted. Serving
 * `/metrics` is the host's business (its own endpoint), or the standalone service's metrics listener.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsModuleOptions = {}): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      providers: [{ provide: PatMetrics, useFactory: () => new PatMetrics(options.registry ?? defaultRegistry) }],
      exports: [PatMetrics],
    };
  }
}
