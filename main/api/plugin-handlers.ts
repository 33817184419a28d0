// The API's plugin methods (the Plugins panel): the marketplace, installs and updates with the
// permissions the person agreed to, rollback, removal, logs and running a command. A core without
// a plugin service answers every one of them 'unsupported'.
import { ApiError, type API_REQUEST_SCHEMAS, type ApiErrorCode, type ApiEvent, type ApiResults } from '../../contract/api.js';
import type { PluginRequestMethod } from '../../contract/plugin-api.js';
import { PluginManifestError } from '../plugins/manifest/manifest-error.js';
import { MarketplaceError, type MarketplaceErrorCode } from '../plugins/marketplace/marketplace-errors.js';
import { PluginError } from '../plugins/host/plugin-error.js';
import type { PluginService } from '../plugins/plugin-service.js';
import { PluginResolveError } from '../plugins/resolve/resolve-errors.js';
import { PluginStoreError, type PluginStoreErrorCode } from '../plugins/store/store-errors.js';
import type { PluginErrorCode } from '../../contract/plugins.js';
import { toApiError } from './api-errors.js';

type Params<M extends PluginRequestMethod> = ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>;
export type PluginHandlers = { [M in PluginRequestMethod]: (params: Params<M>) => Promise<ApiResults[M]> };

const MARKETPLACE_CODES: Partial<Record<MarketplaceErrorCode, ApiErrorCode>> = {
  'not-found': 'not-found',
  unreachable: 'unreachable',
  timeout: 'unreachable',
  http: 'unreachable',
  'bad-response': 'unreachable',
  unauthorized: 'unauthorized',
};
const STORE_CODES: Partial<Record<PluginStoreErrorCode, ApiErrorCode>> = { 'not-installed': 'not-found', 'no-previous': 'not-found' };
const HOST_CODES: Partial<Record<PluginErrorCode, ApiErrorCode>> = { 'not-found': 'not-found', 'permission-denied': 'invalid-request', 'invalid-params': 'invalid-request' };

/** The plugin parts' typed errors as the API's: the message (one sentence, or one problem per line) is kept. */
export function pluginApiError(error: unknown): ApiError {
  if (error instanceof MarketplaceError) return new ApiError(MARKETPLACE_CODES[error.code] ?? 'invalid-request', error.message);
  if (error instanceof PluginStoreError) return new ApiError(STORE_CODES[error.code] ?? 'invalid-request', error.message);
  if (error instanceof PluginManifestError || error instanceof PluginResolveError) return new ApiError('invalid-request', error.message);
  if (error instanceof PluginError) return new ApiError(HOST_CODES[error.code] ?? 'internal', error.message);
  return toApiError(error);
}

export function createPluginHandlers(plugins: PluginService | undefined, emit: (event: ApiEvent) => void): { handlers: PluginHandlers; close(): void } {
  const stopEvents = plugins?.onEvent(emit) ?? (() => undefined);

  const guard = <P, R>(work: (params: P, service: PluginService) => Promise<R>) => async (params: P): Promise<R> => {
    if (!plugins) throw new ApiError('unsupported', 'this instance of ClipShot does not run plugins');
    try {
      return await work(params, plugins);
    } catch (error) {
      throw pluginApiError(error);
    }
  };

  const handlers: PluginHandlers = {
    pluginList: guard((_params, service) => service.overview()),
    pluginSearch: guard(({ query, limit }, service) => service.search(query, limit)),
    pluginDetails: guard(({ packageName, version }, service) => service.details(packageName, version)),
    pluginInstall: guard(({ packageName, version, consent, operationId }, service) => service.install(packageName, { consent, version, operationId })),
    pluginUpdate: guard(({ id, version, consent, operationId }, service) => service.update(id, { consent, version, operationId })),
    pluginRollback: guard(({ id, version }, service) => service.rollback(id, version)),
    pluginRemove: guard(({ id }, service) => service.remove(id)),
    pluginLogs: guard(({ id, limit }, service) => service.logs(id, limit)),
    pluginRunCommand: guard(async ({ command, args }, service) => ({ result: await service.runCommand(command, args) })),
  };
  return { handlers, close: stopEvents };
}
