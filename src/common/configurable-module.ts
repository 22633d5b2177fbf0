import { ConfigurableModuleBuilder, DynamicModule, InjectionToken, Type } from '@nestjs/common';
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

/**
 * Lets a configurable module hand the options it builds (once, with its host's factory) to the
 * modules it imports: the definition's option providers move into `holder`, which exports them
 * under `token`, and `below(holder)` gives the modules to import, configured from it.
 */
export function withOptionsShared(
  definition: DynamicModule,
  token: InjectionToken,
  holder: Type,
  below: (options: DynamicModule) => DynamicModule[],
): DynamicModule {
  const hostImports = (definition.imports ?? []).filter((imported) => (imported as DynamicModule).module !== RouterModule);
  const options: DynamicModule = { module: holder, imports: hostImports, providers: definition.providers ?? [], exports: [token] };
  const modules = below(options);
  return { ...definition, providers: [], imports: [...(definition.imports ?? []), options, ...modules], exports: [...(definition.exports ?? []), ...modules] };
}
