import { createHash, timingSafeEqual } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { EmptyPassphraseError } from './key-errors.js';

class PromptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class NoTerminalError extends PromptError {
  constructor() {
    super('no terminal to ask for the passphrase: set CLIPSHOT_PASSPHRASE');
  }
}

export class PromptCancelledError extends PromptError {
  constructor() {
    super('passphrase entry cancelled');
  }
}

export class PassphraseMismatchError extends PromptError {
  constructor() {
    super('the two passphrases do not match');
  }
}

/** What the prompt needs of a terminal: process.stdin / process.stderr by default. */
export interface TerminalInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

export interface PromptOptions {
  /** Ask twice and require the same answer: for a new passphrase. */
  confirm?: boolean;
  input?: TerminalInput;
  /** stderr by default, so that a command's stdout stays clean for pipes. */
  output?: NodeJS.WritableStream;
}

/**
 * Asks for a passphrase on the terminal without echoing it: raw mode, so the terminal shows nothing
 * and the keys are handled here (Enter, Backspace, Ctrl-U clears, Ctrl-C or Ctrl-D cancel).
 */
export async function promptPassphrase(question: string, options: PromptOptions = {}): Promise<string> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stderr;
  if (input.isTTY !== true || typeof input.setRawMode !== 'function') throw new NoTerminalError();
  const reader = new HiddenLineReader(input, input.setRawMode.bind(input));
  const ask = async (text: string) => {
    output.write(text);
    // The newline Enter would have echoed, had echo been on.
    return reader.nextLine().finally(() => output.write('\n'));
  };
  try {
    const passphrase = await ask(question);
    if (passphrase === '') throw new EmptyPassphraseError();
    if (options.confirm === true && !sameText(passphrase, await ask('Repeat the passphrase: '))) throw new PassphraseMismatchError();
    return passphrase;
  } finally {
    reader.close();
  }
}

/** Lines typed in raw mode; keeps what arrives early (a paste of two lines) for the next question. */
class HiddenLineReader {
  readonly #input: TerminalInput;
  readonly #setRawMode: (mode: boolean) => unknown;
  readonly #wasRaw: boolean;
  readonly #decoder = new StringDecoder('utf8');
  readonly #lines: string[] = [];
  #current = '';
  #afterCarriageReturn = false;
  #failure: Error | undefined;
  #waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;

  constructor(input: TerminalInput, setRawMode: (mode: boolean) => unknown) {
    this.#input = input;
    this.#setRawMode = setRawMode;
    this.#wasRaw = input.isRaw === true;
    setRawMode(true);
    input.on('data', this.#onData);
    input.on('end', this.#onEnd);
    input.on('error', this.#onError);
    input.resume();
  }

  nextLine(): Promise<string> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  close(): void {
    this.#input.off('data', this.#onData);
    this.#input.off('end', this.#onEnd);
    this.#input.off('error', this.#onError);
    this.#setRawMode(this.#wasRaw);
    this.#input.pause();
    this.#current = '';
  }

  readonly #onData = (chunk: Buffer | string): void => {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    // Arrow and function keys arrive as one escape sequence per chunk: they are not part of a passphrase.
    if (text.startsWith('\u001b')) return;
    for (const char of text) {
      if (this.#failure !== undefined) return;
      const afterCarriageReturn = this.#afterCarriageReturn;
      this.#afterCarriageReturn = char === '\r';
      if (char === '\n' && afterCarriageReturn) continue;
      if (char === '\r' || char === '\n') this.#endLine();
      else if (char === '\u0003') this.#fail(new PromptCancelledError());
      else if (char === '\u0004') {
        if (this.#current === '') this.#fail(new PromptCancelledError());
      } else if (char === '\u007f' || char === '\b') this.#current = Array.from(this.#current).slice(0, -1).join('');
      else if (char === '\u0015') this.#current = '';
      else if (char >= ' ') this.#current += char;
    }
  };

  readonly #onEnd = (): void => this.#fail(new PromptCancelledError());
  readonly #onError = (error: Error): void => this.#fail(error);

  #endLine(): void {
    const line = this.#current;
    this.#current = '';
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting !== undefined) waiting.resolve(line);
    else this.#lines.push(line);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(this.#failure);
  }
}

function sameText(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
