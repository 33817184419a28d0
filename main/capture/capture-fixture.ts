// A capture read from files instead of the screen: a screenshot and a JSON description of the
// display and its windows. `clipshot serve --capture-input FILE` holds one, so the overlay page can
// be opened in a browser on a known picture (its tests do this), or on a screenshot taken elsewhere.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CAPTURE_MODES } from '../../contract/capture/capture.js';
import type { CaptureService } from './capture-service.js';

const rect = z.object({ x: z.number().finite(), y: z.number().finite(), width: z.number().finite().positive(), height: z.number().finite().positive() }).strict();

export const captureFixtureSchema = z
  .object({
    /** The screenshot, relative to the JSON file. */
    screenshot: z.string().min(1),
    /** A fixed capture id, so the overlay's address is known in advance. */
    id: z.string().regex(/^[0-9a-f]{32}$/, 'an id is 32 hexadecimal characters').optional(),
    mode: z.enum(CAPTURE_MODES).default('region'),
    display: z.object({ id: z.string().min(1).max(100), bounds: rect, scaleFactor: z.number().finite().positive().max(8) }).strict().optional(),
    windows: z.array(z.object({ bounds: rect, title: z.string().max(1000).default(''), app: z.string().max(200).default('') }).strict()).max(500).default([]),
  })
  .strict();

/** Reads the description and its screenshot and holds them as a capture; resolves to the capture's id. */
export async function openCaptureFixture(captures: CaptureService, file: string): Promise<string> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`the capture input ${file} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = captureFixtureSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the capture input ${file} is not usable: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`);
  }
  const fixture = parsed.data;
  const image = await fs.readFile(path.resolve(path.dirname(file), fixture.screenshot));
  const sharp = (await import('sharp')).default;
  const { width = 0, height = 0 } = await sharp(image).metadata();
  const display = fixture.display ?? { id: 'fixture', bounds: { x: 0, y: 0, width, height }, scaleFactor: 1 };
  const [id] = await captures.open(fixture.mode, [{ display, image }], fixture.windows, fixture.id ? { ids: [fixture.id] } : {});
  return id!;
}
