import { RATE_LIMIT_DEFINITIONS } from '../../../contract/rate-limits.js';
import type { PluginProcessLimits } from './plugin-process.js';

export interface PluginHostLimits extends PluginProcessLimits {
  /** Default time limit of one invocation (a command, an export…); a plugin over it is stopped. */
  callTimeoutMs: number;
  /** How long a plugin may take to hand over its state on reload. */
  handOverTimeoutMs: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** Failures within failureWindowMs after which a plugin stays 'crashed' until restarted by hand. */
  maxFailures: number;
  failureWindowMs: number;
  /** The token bucket of messages from one plugin, when the host is given no RateLimitPolicy: sustained rate and burst. */
  messagesPerSecond: number;
  messageBurst: number;
  logLines: number;
  storageMaxBytes: number;
  fetchTimeoutMs: number;
  maxFetchBytes: number;
  maxBlobBytes: number;
  defaultPageSize: number;
}

export const DEFAULT_PLUGIN_HOST_LIMITS: PluginHostLimits = {
  activationTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  heartbeatTimeoutMs: 5_000,
  heapMb: 128,
  // Node's own ~50 MB, the 128 MB heap, and room for buffers outside it.
  maxRssBytes: 384 * 1024 * 1024,
  floodMaxRefusals: 500,
  floodWindowMs: 5_000,
  maxConcurrentCalls: 64,
  callTimeoutMs: 30_000,
  handOverTimeoutMs: 2_000,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  maxFailures: 5,
  failureWindowMs: 10 * 60_000,
  messagesPerSecond: RATE_LIMIT_DEFINITIONS.plugin.defaults.rate,
  messageBurst: RATE_LIMIT_DEFINITIONS.plugin.defaults.burst,
  logLines: 500,
  storageMaxBytes: 1024 * 1024,
  fetchTimeoutMs: 15_000,
  maxFetchBytes: 5 * 1024 * 1024,
  maxBlobBytes: 32 * 1024 * 1024,
  defaultPageSize: 50,
};
