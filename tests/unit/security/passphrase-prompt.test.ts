import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoTerminalError, promptPassphrase } from '../../../main/security/passphrase-prompt.js';
import { fixturePath, transpileSecurityModules } from './transpiled-security-modules.js';

/**
 * The prompt in a child process on a real pseudo-terminal, made by util-linux `script`: what the
 * test reads back is exactly what the terminal shows, echo included.
 */
class TerminalSession {
  readonly #child;
  #screen = '';
  #exited = false;

  constructor(modules: string, confirm: boolean, onTerminal = true) {
    const node = [process.execPath, fixturePath('prompt-session.mjs'), modules, confirm ? 'yes' : 'no'];
    this.#child = onTerminal
      ? spawn('script', ['-q', '-e', '-c', node.map((arg) => `'${arg}'`).join(' '), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(node[0]!, node.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => { this.#screen += chunk.toString(); };
    this.#child.stdout.on('data', collect);
    this.#child.stderr.on('data', collect);
    this.#child.on('close', () => { this.#exited = true; });
  }

  get screen(): string {
    return this.#screen;
  }

  /** Types only once the prompt shows: before that the terminal is still in echo mode. */
  async type(afterPrompt: string, keys: string): Promise<void> {
    await this.waitFor(afterPrompt);
    this.#child.stdin.write(keys);
  }

  async result(): Promise<Record<string, unknown>> {
    await this.waitFor('RESULT ');
    await this.waitFor('}');
    this.#child.stdin.end();
    const line = this.#screen.split(/\r?\n/).find((candidate) => candidate.startsWith('RESULT '))!;
    return JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
  }

  async waitFor(text: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#screen.includes(text)) {
      if (this.#exited || Date.now() > deadline) {
        this.#child.kill();
        throw new Error(`the terminal never showed ${JSON.stringify(text)}; it shows:\n${this.#screen}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');

describe('promptPassphrase on a real terminal', () => {
  // One build for all tests here (tempDir's folders only live for one test).
  let buildDir = '';
  let modules = '';
  beforeAll(async () => {
    buildDir = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-prompt-'));
    modules = await transpileSecurityModules(buildDir);
  });
  afterAll(async () => {
    await fs.rm(buildDir, { recursive: true, force: true });
  });

  it('reads the passphrase twice without echoing it, handles Backspace, and restores the terminal', async () => {
    const session = new TerminalSession(modules, true);
    await session.type('Library passphrase: ', 's\u00e9cretX\u007f\r');
    await session.type('Repeat the passphrase: ', 's\u00e9cret\r');

    expect(await session.result()).toEqual({ hex: hex('s\u00e9cret'), stdinRaw: false });
    expect(session.screen).not.toContain('cret');
  });

  it('keeps a second line that arrives early (a paste) for the confirmation', async () => {
    const session = new TerminalSession(modules, true);
    await session.type('Library passphrase: ', 'pasted\rpasted\r');
    expect(await session.result()).toEqual({ hex: hex('pasted'), stdinRaw: false });
  });

  it('fails when the confirmation differs, when nothing is typed, and on Ctrl-C', async () => {
    const mismatch = new TerminalSession(modules, true);
    await mismatch.type('Library passphrase: ', 'one\r');
    await mismatch.type('Repeat the passphrase: ', 'two\r');
    const empty = new TerminalSession(modules, false);
    await empty.type('Library passphrase: ', '\r');
    const interrupted = new TerminalSession(modules, false);
    await interrupted.type('Library passphrase: ', 'abc\u0003');

    expect(await mismatch.result()).toEqual({ error: 'PassphraseMismatchError', message: 'the two passphrases do not match', stdinRaw: false });
    expect(await empty.result()).toEqual({ error: 'EmptyPassphraseError', message: 'the passphrase must not be empty', stdinRaw: false });
    expect(await interrupted.result()).toEqual({ error: 'PromptCancelledError', message: 'passphrase entry cancelled', stdinRaw: false });
  });

  it('tells the person to set CLIPSHOT_PASSPHRASE when stdin is not a terminal', async () => {
    const session = new TerminalSession(modules, false, false);
    expect(await session.result()).toEqual({ error: 'NoTerminalError', message: 'no terminal to ask for the passphrase: set CLIPSHOT_PASSPHRASE', stdinRaw: undefined });
  });
});

describe('promptPassphrase without a terminal', () => {
  it('refuses a piped input stream with a clear error', async () => {
    const output = new PassThrough();
    await expect(promptPassphrase('Passphrase: ', { input: new PassThrough(), output })).rejects.toThrow(new NoTerminalError());
    await expect(promptPassphrase('Passphrase: ', { input: new PassThrough() })).rejects.toThrow('no terminal to ask for the passphrase: set CLIPSHOT_PASSPHRASE');
    expect(output.read()).toBeNull();
  });
});
