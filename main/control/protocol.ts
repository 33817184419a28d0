import { z } from 'zod';

/** A CLI command as data, so the same command runs in this process or in a running instance. */
export const commandRequestSchema = z.object({
  command: z.string().min(1).max(40),
  positionals: z.array(z.string().max(1_000_000)).max(10_000),
  options: z.record(z.string().max(40), z.union([z.string().max(1_000_000), z.boolean(), z.array(z.string().max(10_000)).max(1000)])),
  cwd: z.string().min(1).max(4096),
  stdinText: z.string().max(16 * 1024 * 1024).optional(),
});
export type CommandRequest = z.infer<typeof commandRequestSchema>;

export const clientMessageSchema = z.object({ type: z.literal('run'), request: commandRequestSchema });
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage = { type: 'stdout'; text: string } | { type: 'stderr'; text: string } | { type: 'exit'; code: number };

/** Longest accepted line on the control socket: the stdin text limit plus envelope. */
export const MAX_MESSAGE_BYTES = 17 * 1024 * 1024;

export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether a person is watching (progress lines are only drawn for a terminal). */
  readonly interactive: boolean;
}
