import type { RateLimitPolicy } from '../../security/rate-limit/rate-limit-policy.js';

/** What a session asks of its device's budget for each frame it reads. */
export interface InboundThrottle {
  /** Charges one received frame of `bytes`; returns how long to stop reading (0: go on). */
  charge(bytes: number): number;
  /** Over budget this long without a calm spell: the device is disconnected. */
  disconnectAfterMs(): number;
  tripped(action: 'slowed' | 'disconnected', retryAfterMs?: number): void;
}

/**
 * A paired device's inbound budget, messages and bytes ('sync-messages', 'sync-bytes'), kept per
 * device id, so reconnecting does not refill it.
 */
export function deviceInboundThrottle(policy: RateLimitPolicy, peerId: string): InboundThrottle {
  const messages = policy.limiter('sync-messages');
  const bytes = policy.limiter('sync-bytes');
  let limit: 'sync-messages' | 'sync-bytes' = 'sync-messages';
  return {
    charge: (size) => {
      const byCount = messages.charge(peerId, 1);
      const bySize = bytes.charge(peerId, Math.max(1, size));
      limit = bySize > byCount ? 'sync-bytes' : 'sync-messages';
      return Math.max(byCount, bySize);
    },
    disconnectAfterMs: () => policy.settings.syncDisconnectAfterSeconds * 1000,
    tripped: (action, retryAfterMs) => policy.tripped({ limit, key: peerId, actor: { type: 'device', id: peerId }, action, ...(retryAfterMs !== undefined && { retryAfterMs }) }),
  };
}
