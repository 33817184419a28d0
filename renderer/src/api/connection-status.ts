export type ConnectionState = 'connected' | 'reconnecting' | 'offline';

/** Whether the window can reach the core right now. */
export interface ConnectionStatus {
  readonly state: ConnectionState;
  subscribe(listener: (state: ConnectionState) => void): () => void;
}

export class ObservableConnectionStatus implements ConnectionStatus {
  readonly #listeners = new Set<(state: ConnectionState) => void>();

  constructor(private current: ConnectionState) {}

  get state(): ConnectionState {
    return this.current;
  }

  set(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of this.#listeners) listener(state);
  }

  subscribe(listener: (state: ConnectionState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Calls `reconnected` each time the window gets its connection back after losing it. */
export function onReconnect(status: ConnectionStatus, reconnected: () => void): () => void {
  let wasConnected = status.state === 'connected';
  return status.subscribe((state) => {
    if (state === 'connected' && !wasConnected) reconnected();
    wasConnected = state === 'connected';
  });
}
