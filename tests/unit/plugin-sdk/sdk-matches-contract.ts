// Compiled by tsc with the rest of the tests (and by sdk.test.ts on its own): every type the SDK
// gives plugin authors must be exactly ClipShot's own, or this file does not compile.
import type * as Contract from '../../../contract/plugins.js';
import type * as Sdk from '../../../plugins/sdk/index.js';

/** true only when A and B are the same type (not merely assignable one way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Check<T extends true> = T;

export type SdkMatchesContract = [
  Check<Same<Sdk.PluginManifest, Contract.PluginManifest>>,
  Check<Same<Sdk.PluginContributions, Contract.PluginContributions>>,
  Check<Same<Sdk.CommandContribution, Contract.CommandContribution>>,
  Check<Same<Sdk.ImporterContribution, Contract.ImporterContribution>>,
  Check<Same<Sdk.ExporterContribution, Contract.ExporterContribution>>,
  Check<Same<Sdk.AnalyzerContribution, Contract.AnalyzerContribution>>,
  Check<Same<Sdk.PanelContribution, Contract.PanelContribution>>,
  Check<Same<Sdk.ThemeContribution, Contract.ThemeContribution>>,
  Check<Same<Sdk.KeybindingContribution, Contract.KeybindingContribution>>,
  Check<Same<Sdk.ActivationEvent, Contract.ActivationEvent>>,
  Check<Same<Sdk.PluginPermission, Contract.PluginPermission>>,
  Check<Same<Sdk.FixedPluginPermission, Contract.FixedPluginPermission>>,
  Check<Same<Sdk.PluginApiMethod, Contract.PluginApiMethod>>,
  Check<Same<Sdk.PluginErrorCode, Contract.PluginErrorCode>>,
  Check<Same<Sdk.PluginErrorShape, Contract.PluginErrorShape>>,
  Check<Same<Sdk.PluginClip, Contract.PluginClip>>,
  Check<Same<Sdk.PluginPixels, Contract.PluginPixels>>,
  Check<Same<Sdk.PluginHostApi, Contract.PluginHostApi>>,
  Check<Same<Sdk.ExportedFile, Contract.ExportedFile>>,
  Check<Same<Sdk.AnalyzerResult, Contract.AnalyzerResult>>,
  Check<Same<Sdk.PluginPanelDataMessage, Contract.PluginPanelDataMessage>>,
  Check<Same<Sdk.PluginModule, Contract.PluginModule>>,
  Check<Same<typeof Sdk.PLUGIN_API_VERSION, typeof Contract.PLUGIN_API_VERSION>>,
  Check<Same<typeof Sdk.PLUGIN_API_PERMISSIONS, typeof Contract.PLUGIN_API_PERMISSIONS>>,
  Check<Same<typeof Sdk.FIXED_PLUGIN_PERMISSIONS, typeof Contract.FIXED_PLUGIN_PERMISSIONS>>,
  Check<Same<typeof Sdk.PLUGIN_ERROR_CODES, typeof Contract.PLUGIN_ERROR_CODES>>,
  Check<Same<typeof Sdk.PLUGIN_PIXELS_MAX_SIDE, typeof Contract.PLUGIN_PIXELS_MAX_SIDE>>,
  Check<Same<typeof Sdk.PLUGIN_PIXELS_DEFAULT_SIDE, typeof Contract.PLUGIN_PIXELS_DEFAULT_SIDE>>,
  Check<Same<typeof Sdk.PLUGIN_PANEL_DATA_MESSAGE, typeof Contract.PLUGIN_PANEL_DATA_MESSAGE>>,
  // definePlugin takes what the contract calls a module and gives it back.
  Check<Same<Parameters<typeof Sdk.definePlugin<Contract.PluginModule>>[0], Contract.PluginModule>>,
  Check<Same<ReturnType<typeof Sdk.definePlugin<Contract.PluginModule>>, Contract.PluginModule>>,
];
