import { ConfigurableModuleBuilder, DynamicModule } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';

/** Extras every module of ours accepts next to its options, in `forRoot` and `forRootAsync` alike. */
export interface ModuleExtras {
  /** Registers the module globally (its exports visible everywhere). */
  isGlobal?: boolean;
}

/** Extras of a module with HTTP routes. Static (not from the async factory): routes exist before any provider. */
export interface RoutedModuleExtras extends ModuleExtras {
  /** Where the module's controllers are mounted. */
  routePrefix?: string;
}

function withExtras(definition: DynamicModule, extras: RoutedModuleExtras): DynamicModule {
  const routes = extras.routePrefix === undefined ? [] : [RouterModule.register([{ path: extras.routePrefix, module: definition.module }])];
  return { ...definition, global: extras.isGlobal, imports: [...(definition.imports ?? []), ...routes] };
}

/** `forRoot` / `forRootAsync` for a module without routes, validated options under `moduleName`. */
export function configurableModule<Options>(moduleName: string, defaults: Required<ModuleExtras>) {
  return new ConfigurableModuleBuilder<Options>({ moduleName })
    .setClassMethodName('forRoot')
    .setExtras<ModuleExtras>(defaults, withExtras)
    .build();
}

/** `forRoot` / `forRootAsync` for a module with controllers, mounted under `routePrefix`. */
export function routedModule<Options>(moduleName: string, defaults: Required<RoutedModuleExtras>) {
  return new ConfigurableModuleBuilder<Options>({ moduleName })
    .setClassMethodName('forRoot')
    .setExtras<RoutedModuleExtras>(defaults, withExtras)
    .build();
}
