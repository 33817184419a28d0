import type { HostToPluginMessage, PluginApiMethod, PluginContributions, PluginManifest, PluginToHostMessage } from '../../../contract/plugins.js';
import type { Admission } from '../../security/rate-limit/keyed-limiter.js';
import { PluginError, toPluginErrorShape } from './plugin-error.js';
import type { PluginChannel, PluginLauncher } from './plugin-launcher.js';
import { capText, parsePluginMessage } from './plugin-messages.js';
import { residentBytes } from './process-memory.js';

export interface PluginProcessLimits {
  /** From launch until the entry module loaded and `activate` returned. */
  activationTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** A ping unanswered this long means the plugin is stuck (a busy loop, a blocking call). */
  heartbeatTimeoutMs: number;
  heapMb: number;
  /** Resident memory above this (checked with each heartbeat) stops the plugin; covers memory outside the heap. */
  maxRssBytes: number;
  /** Refused messages within floodWindowMs beyond which a plugin is stopped as flooding. */
  floodMaxRefusals: number;
  floodWindowMs: number;
  /** Calls to the host in progress at once; more are refused as 'rate-limited'. */
  maxConcurrentCalls: number;
}

/** The plugin's message budget (the shared 'plugin' limit, keyed by plugin id: a restart does not refill it). */
export interface PluginMessageGate {
  /** Takes a token for one message or output line from the plugin. */
  admit(): Admission;
  /** The first refusal of a spell, or the plugin stopped for flooding: for the audit log. */
  tripped(action: 'refused' | 'disconnected', retryAfterMs?: number): void;
}

export interface PluginProcessHooks {
  /** Serves a call (permission, params and all); rejects with PluginError. */
  serve(method: PluginApiMethod, params: unknown): Promise<unknown>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Once, when the process is gone. `problem` is null when it was stopped on purpose. */
  ended(problem: string | null): void;
}

interface PendingInvocation {
  resolve: (value: unknown) => void;
  reject: (error: PluginError) => void;
  timer: NodeJS.Timeout;
}

type Invocable = Extract<keyof PluginContributions, 'commands' | 'exporters' | 'importers' | 'analyzers'>;

/**
 * One running plugin process, from launch to exit: the handshake, invocations with a time limit,
 * the heartbeat and memory watchdog, flood control, and every message checked on arrival.
 * Whatever goes wrong ends in `terminate(problem)`: the process is killed and `ended` says why.
 */
export class PluginProcess {
  readonly activated: Promise<void>;
  readonly #channel: PluginChannel;
  readonly #invocations = new Map<number, PendingInvocation>();
  #nextInvocation = 1;
  #nextPing = 1;
  #pingSentAt: number | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #activation: { resolve: () => void; reject: (error: PluginError) => void; timer: NodeJS.Timeout } | null = null;
  #handOver: ((state: unknown) => void) | null = null;
  #callsInProgress = 0;
  #refusals: number[] = [];
  #problem: string | null = null;
  #stopping = false;
  #outOfMemory = false;
  #exited = false;
  readonly #exit: Promise<void>;

  constructor(
    launcher: PluginLauncher,
    private readonly manifest: PluginManifest,
    pluginDir: string,
    state: unknown,
    private readonly limits: PluginProcessLimits,
    private readonly gate: PluginMessageGate,
    private readonly hooks: PluginProcessHooks,
  ) {
    this.activated = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.terminate(`did not finish starting within ${limits.activationTimeoutMs} ms`), limits.activationTimeoutMs);
      this.#activation = { resolve, reject, timer };
    });
    // Nobody may be waiting yet (a start that was not asked for); a failure is reported through `ended`.
    this.activated.catch(() => undefined);
    this.#channel = launcher.launch({ pluginId: manifest.id, pluginDir, heapMb: limits.heapMb });
    this.#exit = new Promise((resolve) => this.#channel.onExit((code, signal) => {
      this.#onExit(code, signal);
      resolve();
    }));
    this.#channel.onOutput((stream, line) => this.#onOutput(stream, line));
    this.#channel.onMessage((raw) => this.#onMessage(raw, state));
  }

  get pid(): number | undefined {
    return this.#channel.pid;
  }

  invoke(kind: Invocable, contributionId: string, args: unknown, timeoutMs: number): Promise<unknown> {
    if (this.#exited || this.#problem !== null) return Promise.reject(new PluginError('plugin-failed', `${this.manifest.id} is not running`));
    const id = this.#nextInvocation++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.#invocations.has(id)) return;
        this.#invocations.delete(id);
        reject(new PluginError('timeout', `${this.manifest.id} did not answer ${kind} "${contributionId}" within ${timeoutMs} ms; it was stopped`));
        this.terminate(`did not answer ${kind} "${contributionId}" within ${timeoutMs} ms`);
      }, timeoutMs);
      this.#invocations.set(id, { resolve, reject, timer });
      this.#channel.send({ type: 'invoke', id, contribution: kind, contributionId, args });
    });
  }

  /** Asks the plugin for the state to hand to its next instance (hot reload); undefined when it does not answer in time. */
  handOver(timeoutMs: number): Promise<unknown> {
    if (this.#exited) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#handOver = null;
        this.hooks.log('warn', `did not hand over its state within ${timeoutMs} ms; the next instance starts without it`);
        resolve(undefined);
      }, timeoutMs);
      this.#handOver = (state) => {
        clearTimeout(timer);
        this.#handOver = null;
        resolve(state);
      };
      this.#channel.send({ type: 'deactivate' });
    });
  }

  /** Ends the process on purpose (no restart follows); resolves once it is gone. */
  stop(): Promise<void> {
    if (!this.#exited) {
      this.#stopping = true;
      this.#channel.kill();
    }
    return this.#exit;
  }

  /** Ends a misbehaving process; `ended` reports the problem. */
  terminate(problem: string): void {
    if (this.#exited || this.#stopping) return;
    this.#problem ??= problem;
    this.#channel.kill();
  }

  #onMessage(raw: unknown, state: unknown): void {
    if (this.#exited || this.#problem !== null) return;
    const parsed = parsePluginMessage(raw);
    if (!parsed.ok) {
      if (this.#admit()) this.hooks.log('warn', `dropped a malformed message from the plugin (${parsed.reason})`);
      return;
    }
    const message = parsed.message;
    // Answers the host is waiting for always get through (a throttled result would hang its
    // invocation); what the plugin sends of its own accord takes a token.
    if (!this.#awaited(message) && !this.#admit()) {
      if (message.type === 'call') this.#channel.send({ type: 'reply', id: message.id, ok: false, error: { code: 'rate-limited', message: 'too many calls to the host; slow down' } });
      return;
    }
    this.#handle(message, state);
  }

  #awaited(message: PluginToHostMessage): boolean {
    switch (message.type) {
      case 'result':
        return this.#invocations.has(message.id);
      case 'pong':
        return this.#pingSentAt !== null;
      case 'state':
        return this.#handOver !== null;
      case 'ready':
      case 'activated':
      case 'activation-failed':
        return this.#activation !== null;
      case 'call':
      case 'log':
        return false;
    }
  }

  #handle(message: PluginToHostMessage, state: unknown): void {
    switch (message.type) {
      case 'ready':
        this.#startHeartbeat();
        this.#channel.send({ type: 'activate', manifest: this.manifest, state });
        return;
      case 'activated':
        if (this.#activation) {
          clearTimeout(this.#activation.timer);
          this.#activation.resolve();
          this.#activation = null;
        }
        return;
      case 'activation-failed':
        this.hooks.log('error', capText(message.message));
        this.terminate(`failed to start: ${capText(message.message.split('\n')[0] ?? '')}`);
        return;
      case 'pong':
        this.#pingSentAt = null;
        return;
      case 'log':
        this.hooks.log(message.level, capText(message.message));
        return;
      case 'state':
        this.#handOver?.(message.state);
        return;
      case 'result': {
        const pending = this.#invocations.get(message.id);
        if (!pending) return;
        this.#invocations.delete(message.id);
        clearTimeout(pending.timer);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(new PluginError(message.error.code, message.error.message));
        return;
      }
      case 'call':
        this.#serve(message.id, message.method, message.params);
        return;
    }
  }

  #serve(id: number, method: PluginApiMethod, params: unknown): void {
    if (this.#callsInProgress >= this.limits.maxConcurrentCalls) {
      this.#refused(0);
      this.#channel.send({ type: 'reply', id, ok: false, error: { code: 'rate-limited', message: `over ${this.limits.maxConcurrentCalls} calls to the host at once` } });
      return;
    }
    this.#callsInProgress++;
    this.hooks.serve(method, params).then(
      (value) => this.#reply({ type: 'reply', id, ok: true, value: value ?? null }),
      (error: unknown) => {
        const shape = toPluginErrorShape(error);
        if (shape.code === 'permission-denied') this.hooks.log('warn', `refused ${method}: ${shape.message}`);
        this.#reply({ type: 'reply', id, ok: false, error: shape });
      },
    );
  }

  #reply(message: Extract<HostToPluginMessage, { type: 'reply' }>): void {
    this.#callsInProgress--;
    if (!this.#exited) this.#channel.send(message);
  }

  /** Takes a token for a message or an output line; counts refusals, and a plugin that keeps flooding is stopped. */
  #admit(): boolean {
    const admission = this.gate.admit();
    if (admission.ok) return true;
    this.#refused(admission.retryAfterMs);
    return false;
  }

  #refused(retryAfterMs: number): void {
    const now = Date.now();
    this.#refusals = this.#refusals.filter((at) => now - at < this.limits.floodWindowMs);
    this.#refusals.push(now);
    if (this.#refusals.length === 1) {
      this.hooks.log('warn', 'calling the host faster than allowed: calls are refused as rate-limited');
      this.gate.tripped('refused', retryAfterMs);
    }
    if (this.#refusals.length > this.limits.floodMaxRefusals && this.#problem === null) {
      this.gate.tripped('disconnected');
      this.terminate(`flooded the host: over ${this.limits.floodMaxRefusals} messages refused within ${this.limits.floodWindowMs} ms`);
    }
  }

  #onOutput(stream: 'stdout' | 'stderr', line: string): void {
    if (/JavaScript heap out of memory|Reached heap limit/.test(line)) this.#outOfMemory = true;
    if (this.#exited || !this.#admit()) return;
    this.hooks.log(stream === 'stderr' ? 'error' : 'info', capText(line));
  }

  #startHeartbeat(): void {
    if (this.#heartbeat) return;
    this.#heartbeat = setInterval(() => void this.#beat(), this.limits.heartbeatIntervalMs);
    this.#heartbeat.unref();
  }

  async #beat(): Promise<void> {
    const now = Date.now();
    if (this.#pingSentAt !== null && now - this.#pingSentAt > this.limits.heartbeatTimeoutMs) {
      this.terminate(`stopped answering (no heartbeat for ${this.limits.heartbeatTimeoutMs} ms: a busy loop or a blocking call)`);
      return;
    }
    if (this.#pingSentAt === null) {
      this.#pingSentAt = now;
      this.#channel.send({ type: 'ping', id: this.#nextPing++ });
    }
    const pid = this.#channel.pid;
    const rss = pid === undefined ? null : await residentBytes(pid);
    if (rss !== null && rss > this.limits.maxRssBytes) {
      this.terminate(`used too much memory (${Math.round(rss / 1048576)} MB resident, over ${Math.round(this.limits.maxRssBytes / 1048576)} MB)`);
    }
  }

  #onExit(code: number | null, signal: string | null): void {
    this.#exited = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    const problem = this.#stopping ? null : this.#outOfMemory ? `ran out of memory (over its ${this.limits.heapMb} MB heap)` : (this.#problem ?? `exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`);
    const failure = new PluginError('plugin-failed', problem === null ? `${this.manifest.id} was stopped` : `${this.manifest.id} ${problem}`);
    if (this.#activation) {
      clearTimeout(this.#activation.timer);
      this.#activation.reject(failure);
      this.#activation = null;
    }
    for (const pending of this.#invocations.values()) {
      clearTimeout(pending.timer);
      pending.reject(failure);
    }
    this.#invocations.clear();
    this.#handOver?.(undefined);
    this.hooks.ended(problem);
  }
}

