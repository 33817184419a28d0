// Stands in for the OS's Touch ID prompt, the one part of OS unlock that cannot run here: each
// prompt takes the next scripted answer, so a test says what the person at the computer does.
import type { OsAuthenticator } from '../../main/security/lock/os-authenticator.js';

export type ScriptedAnswer = boolean | Error;

export class ScriptedAuthenticator implements OsAuthenticator {
  readonly name = 'Touch ID';
  /** Whether the OS can prompt now (false: no sensor, none enrolled). */
  canPrompt = true;
  /** The reason each prompt was shown with, in order. */
  readonly prompts: string[] = [];
  readonly #answers: ScriptedAnswer[] = [];

  /** The person's next answers: true confirmed, false refused or cancelled, an Error the OS failing. */
  answer(...answers: ScriptedAnswer[]): void {
    this.#answers.push(...answers);
  }

  offered(): boolean {
    return this.canPrompt;
  }

  async verify(reason: string): Promise<boolean> {
    this.prompts.push(reason);
    const next = this.#answers.shift();
    // A prompt the test did not expect is a failure of the test, not a refusal.
    if (next === undefined) throw new Error(`an unexpected OS prompt: "${reason}"`);
    if (next instanceof Error) throw next;
    return next;
  }
}
