import type { PluginModule } from './index.js';

/** Thrown by definePlugin; `problems` has one sentence per mistake. */
export declare class PluginDefinitionError extends TypeError {
  readonly problems: string[];
  constructor(problems: string[]);
}

/** Returns `module` unchanged once its shape is right; throws a PluginDefinitionError naming every mistake. */
export declare function definePlugin<M extends PluginModule>(module: M): M;
