import type { PluginErrorCode, PluginErrorShape } from '../../../contract/plugins.js';

/** A typed failure of a plugin call or invocation: what crosses to the plugin, the CLI and the API. */
export class PluginError extends Error {
  constructor(
    readonly code: PluginErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PluginError';
  }

  toShape(): PluginErrorShape {
    return { code: this.code, message: this.message };
  }
}

export function toPluginErrorShape(error: unknown): PluginErrorShape {
  if (error instanceof PluginError) return error.toShape();
  return { code: 'host-error', message: error instanceof Error ? error.message : String(error) };
}
