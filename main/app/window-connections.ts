// What each window holds in the core: an API session (the clip documents it opened) and the
// ports its automerge-repo syncs over. A reload or a closed window releases both.
import type { NetworkAdapterInterface } from '@automerge/automerge-repo';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import type { ApiService, ApiSession } from '../api/api-service.js';
import { rateLimitedApiError } from '../api/api-errors.js';
import type { RateLimitPolicy } from '../security/rate-limit/rate-limit-policy.js';
import { MessagePortMainShim, type MainMessagePort } from './message-port-shim.js';

/** The core repo's network (Library.repo.networkSubsystem). */
export interface DocumentNetwork {
  addNetworkAdapter(adapter: NetworkAdapterInterface): void;
  removeNetworkAdapter(adapter: NetworkAdapterInterface): void;
}

type AdapterPort = ConstructorParameters<typeof MessageChannelNetworkAdapter>[0];

/**
 * Makes the far end of `port` a peer of the core's repo, until the port closes (the page went
 * away) or the returned function is called.
 */
export function connectDocumentPort(network: DocumentNetwork, port: MainMessagePort): () => void {
  // The adapter uses addEventListener, postMessage and start only (tests/unit/app/message-port-shim.test.ts).
  const adapter = new MessageChannelNetworkAdapter(new MessagePortMainShim(port) as unknown as AdapterPort);
  let connected = true;
  const disconnect = () => {
    if (!connected) return;
    connected = false;
    port.off('close', disconnect);
    network.removeNetworkAdapter(adapter);
    port.close();
  };
  port.on('close', disconnect);
  network.addNetworkAdapter(adapter);
  return disconnect;
}

interface WindowState {
  session: ApiSession | null;
  disconnects: Set<() => void>;
}

/** Whose budget a window's requests spend ('window-api'): its web contents, reloads included. */
export function windowLimitKey(windowId: number): string {
  return `window-${windowId}`;
}

export class WindowConnections {
  readonly #windows = new Map<number, WindowState>();

  constructor(
    private readonly api: Pick<ApiService, 'openSession'>,
    private readonly network: DocumentNetwork,
    /** The instance's limits: each window's API requests spend its own 'window-api' bucket. */
    private readonly limits: RateLimitPolicy,
  ) {}

  /**
   * Runs one of the window's API requests, or refuses it with ApiError 'rate-limited' (and the
   * wait) when the window is over its budget. The bucket is kept across a reload and a release: a
   * renderer that reloads itself must not get a fresh burst each time (the limiter's memory is
   * bounded, full buckets going first).
   */
  async dispatch(windowId: number, method: string, params: unknown): Promise<unknown> {
    const key = windowLimitKey(windowId);
    const admission = this.limits.limiter('window-api').admit(key);
    if (!admission.ok) {
      this.limits.tripped({ limit: 'window-api', key, actor: { type: 'device', id: key }, action: 'refused', retryAfterMs: admission.retryAfterMs });
      throw rateLimitedApiError(admission.retryAfterMs);
    }
    const state = this.#state(windowId);
    state.session ??= this.api.openSession();
    return state.session.dispatch(method, params);
  }

  connectDocumentPort(windowId: number, port: MainMessagePort): void {
    const state = this.#state(windowId);
    const disconnect = connectDocumentPort(this.network, port);
    const forget = () => {
      state.disconnects.delete(forget);
      disconnect();
    };
    state.disconnects.add(forget);
    port.on('close', forget);
  }

  /** The window's page is gone (reloaded, navigated, or closed): release what it held. */
  release(windowId: number): void {
    const state = this.#windows.get(windowId);
    if (!state) return;
    this.#windows.delete(windowId);
    state.session?.close();
    for (const disconnect of [...state.disconnects]) disconnect();
  }

  releaseAll(): void {
    for (const windowId of [...this.#windows.keys()]) this.release(windowId);
  }

  #state(windowId: number): WindowState {
    let state = this.#windows.get(windowId);
    if (!state) {
      state = { session: null, disconnects: new Set() };
      this.#windows.set(windowId, state);
    }
    return state;
  }
}
