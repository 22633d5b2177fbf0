import { DynamicModule, Type } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';

/** Mounts a dynamic module's controllers under `prefix`, so each host chooses its own paths. */
export function mountRoutes(definition: DynamicModule, module: Type<unknown>, prefix: string): DynamicModule {
  return {
    ...definition,
    imports: [...(definition.imports ?? []), RouterModule.register([{ path: prefix, module }])],
  };
}
