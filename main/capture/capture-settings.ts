// The capture settings of this device: what happens after a capture, the global shortcuts, the
// timer's default, the last region and the sound a recording takes. Kept beside the library on this device rather than in the
// synced settings document: shortcuts follow each OS's habits (PrtSc here, Cmd+Shift+4 on a Mac),
// and a region is only meaningful on the displays it was drawn on.
import fs from 'node:fs/promises';
import { z } from 'zod';
import { DEFAULT_AFTER_CAPTURE, TIMER_CHOICES, type AfterCaptureSettings } from '../../contract/capture/capture.js';
import type { Rect } from '../../contract/capture/region.js';
import { readKeys } from '../../contract/settings-document.js';
import { writeFileAtomic } from '../security/atomic-file.js';
import type { AudioRequest } from './recording/audio-options.js';
import { SHORTCUT_ACTIONS, type ShortcutAction, type ShortcutConflict } from './capture-shortcuts.js';

export interface CaptureSettings {
  afterCapture: AfterCaptureSettings;
  /** Keys that replace an action's default (normalised specs; [] = no keys); absent = the default. */
  shortcuts: Partial<Record<ShortcutAction, string[]>>;
  /** The timer's default, in seconds. */
  delaySeconds: (typeof TIMER_CHOICES)[number];
  /** The last region captured, on the virtual desktop (DIP): "repeat last region". */
  lastRegion: Rect | null;
  /** The sound screen recordings take (the tray's ticks); what the OS cannot give is left out then (planAudio). */
  recordAudio: AudioRequest;
}

/** The settings file's name in the library folder (this device's). */
export const CAPTURE_SETTINGS_FILE = 'capture-settings.json';

export const DEFAULT_CAPTURE_SETTINGS: CaptureSettings = { afterCapture: DEFAULT_AFTER_CAPTURE, shortcuts: {}, delaySeconds: 0, lastRegion: null, recordAudio: { microphone: false, systemAudio: false } };

const MAX_SETTINGS_BYTES = 64 * 1024;
const coordinate = z.number().finite().min(-1_000_000).max(1_000_000);
const extent = z.number().finite().positive().max(1_000_000);
const regionSchema = z.object({ x: coordinate, y: coordinate, width: extent, height: extent }).strict();

/**
 * Reads the settings file's contents: a value that cannot be used is left out (and named in
 * `problems`), and its default used, so one bad value never loses the others.
 */
export function readCaptureSettings(raw: unknown): { settings: CaptureSettings; problems: string[] } {
  const problems: string[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { settings: DEFAULT_CAPTURE_SETTINGS, problems: ['the capture settings are not an object; using the defaults'] };
  const fields = raw as Record<string, unknown>;
  const afterCapture = { ...DEFAULT_AFTER_CAPTURE };
  if (fields.afterCapture !== undefined) {
    const given = fields.afterCapture;
    if (given === null || typeof given !== 'object') problems.push('afterCapture is not an object; using the defaults');
    else {
      for (const [name, value] of Object.entries(given)) {
        if (!(name in afterCapture)) problems.push(`afterCapture.${name.slice(0, 40)} is not a setting`);
        else if (typeof value !== 'boolean') problems.push(`afterCapture.${name} must be true or false`);
        else afterCapture[name as keyof AfterCaptureSettings] = value;
      }
    }
  }
  const shortcuts: Partial<Record<ShortcutAction, string[]>> = {};
  if (fields.shortcuts !== undefined) {
    if (fields.shortcuts === null || typeof fields.shortcuts !== 'object') problems.push('shortcuts is not an object; using the default shortcuts');
    else {
      for (const [action, keys] of Object.entries(fields.shortcuts)) {
        if (!(SHORTCUT_ACTIONS as readonly string[]).includes(action)) {
          problems.push(`shortcuts: ${JSON.stringify(action.slice(0, 40))} is not a capture action`);
          continue;
        }
        const read = readKeys(Array.isArray(keys) ? keys.join(' ') : keys);
        if (typeof read === 'string') problems.push(`shortcut for ${action}: ${read}; using the default`);
        else shortcuts[action as ShortcutAction] = read;
      }
    }
  }
  let delaySeconds = DEFAULT_CAPTURE_SETTINGS.delaySeconds;
  if (fields.delaySeconds !== undefined) {
    const choice = TIMER_CHOICES.find((seconds) => seconds === fields.delaySeconds);
    if (choice === undefined) problems.push(`delaySeconds must be one of ${TIMER_CHOICES.join(', ')}`);
    else delaySeconds = choice;
  }
  let lastRegion: Rect | null = null;
  if (fields.lastRegion !== undefined && fields.lastRegion !== null) {
    const parsed = regionSchema.safeParse(fields.lastRegion);
    if (parsed.success) lastRegion = parsed.data;
    else problems.push('lastRegion is not a region; "repeat last region" waits for the next capture');
  }
  const recordAudio = { ...DEFAULT_CAPTURE_SETTINGS.recordAudio };
  if (fields.recordAudio !== undefined) {
    const given = fields.recordAudio;
    if (given === null || typeof given !== 'object') problems.push('recordAudio is not an object; recording without sound');
    else {
      for (const [name, value] of Object.entries(given)) {
        if (!(name in recordAudio)) problems.push(`recordAudio.${name.slice(0, 40)} is not a setting`);
        else if (typeof value !== 'boolean') problems.push(`recordAudio.${name} must be true or false`);
        else recordAudio[name as keyof AudioRequest] = value;
      }
    }
  }
  return { settings: { afterCapture, shortcuts, delaySeconds, lastRegion, recordAudio }, problems };
}

/** The settings file of one device, read once and written whole (atomically) on every change. */
export class CaptureSettingsStore {
  #settings: CaptureSettings;
  #writing: Promise<void> = Promise.resolve();
  readonly #listeners = new Set<(settings: CaptureSettings) => void>();
  /** Keys the OS refused at the last registration (another app holds them): only the shell can find out. */
  #refused: ShortcutConflict[] = [];

  private constructor(
    readonly file: string,
    settings: CaptureSettings,
    /** What could not be used when the file was read, one line each. */
    readonly problems: string[],
  ) {
    this.#settings = settings;
  }

  /** Reads the file; a missing file is the defaults, an unreadable one the defaults with the reason. */
  static async open(file: string): Promise<CaptureSettingsStore> {
    let text: string;
    try {
      const handle = await fs.open(file, 'r');
      try {
        const { size } = await handle.stat();
        if (size > MAX_SETTINGS_BYTES) return new CaptureSettingsStore(file, DEFAULT_CAPTURE_SETTINGS, [`${file} is ${size} bytes, more than capture settings ever take; using the defaults`]);
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new CaptureSettingsStore(file, DEFAULT_CAPTURE_SETTINGS, []);
      throw error;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return new CaptureSettingsStore(file, DEFAULT_CAPTURE_SETTINGS, [`${file} is not JSON; using the defaults (the file is replaced at the next change)`]);
    }
    const { settings, problems } = readCaptureSettings(raw);
    return new CaptureSettingsStore(file, settings, problems);
  }

  get current(): CaptureSettings {
    return structuredClone(this.#settings);
  }

  /** Changes the settings (checked like the file) and writes them; resolves once they are on disk. */
  update(change: Partial<CaptureSettings>): Promise<CaptureSettings> {
    const { settings, problems } = readCaptureSettings({ ...this.#settings, ...change });
    if (problems.length > 0) return Promise.reject(new Error(`the capture settings were not changed: ${problems.join('; ')}`));
    const shortcutsChanged = JSON.stringify(settings.shortcuts) !== JSON.stringify(this.#settings.shortcuts);
    this.#settings = settings;
    if (shortcutsChanged) for (const listener of this.#listeners) listener(this.current);
    const written = (this.#writing = this.#writing.catch(() => undefined).then(() => writeFileAtomic(this.file, `${JSON.stringify(settings, null, 2)}\n`)));
    return written.then(() => this.current);
  }

  /** Calls `listener` when the shortcuts change (the shell registers them again), until the returned function is called. */
  onShortcutsChanged(listener: (settings: CaptureSettings) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** What the OS refused when the shell last registered the shortcuts. */
  get refusedShortcuts(): ShortcutConflict[] {
    return [...this.#refused];
  }

  set refusedShortcuts(conflicts: readonly ShortcutConflict[]) {
    this.#refused = conflicts.filter((conflict) => conflict.kind === 'taken');
  }

  /** Remembers a captured region (DIP) for "repeat last region". */
  rememberRegion(region: Rect): Promise<CaptureSettings> {
    return this.update({ lastRegion: region });
  }
}
