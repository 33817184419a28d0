// The capture and clipboard history settings as the Settings dialog reads and changes them. The
// capture settings are this device's (a file beside the library); the clipboard history settings
// are the library's (its settings document). Both are changed only through the core, which checks
// them and says what is wrong in words.
import { z } from 'zod';
import { MAX_EXCLUDED_APPS, type ClipboardSettings } from '../clipboard-settings.js';
import { TIMER_CHOICES, type AfterCaptureSettings } from './capture.js';

/** The screenshot actions with a global shortcut each. */
export const CAPTURE_ACTIONS = ['capture-region', 'capture-window', 'capture-screen', 'capture-repeat'] as const;
export type CaptureAction = (typeof CAPTURE_ACTIONS)[number];
/** Every global shortcut of the app: the screenshots' and the clipboard picker's, checked together for conflicts. */
export const SHORTCUT_ACTIONS = [...CAPTURE_ACTIONS, 'clipboard-picker'] as const;
export type ShortcutAction = (typeof SHORTCUT_ACTIONS)[number];

export const SHORTCUT_ACTION_LABELS: Record<ShortcutAction, string> = {
  'capture-region': 'Capture a region',
  'capture-window': 'Capture a window',
  'capture-screen': 'Capture the screen',
  'capture-repeat': 'Capture the last region again',
  'clipboard-picker': 'Open the clipboard history',
};

export interface GlobalShortcutView {
  action: ShortcutAction;
  label: string;
  /** The keys in effect (contract/shortcut-spec.ts specs); [] = none. */
  keys: string[];
  /** The same, as this platform writes them ("⇧⌘4", "Ctrl+Alt+V"). */
  keyLabels: string[];
  defaultLabels: string[];
  /** Whether the person chose these keys (false: the platform's default). */
  custom: boolean;
}

export interface ShortcutConflictView {
  action: ShortcutAction;
  keys: string;
  kind: 'invalid' | 'duplicate' | 'reserved' | 'taken';
  /** What is wrong and what to do, in words. */
  problem: string;
}

export interface CaptureSettingsView {
  afterCapture: AfterCaptureSettings;
  delaySeconds: (typeof TIMER_CHOICES)[number];
  shortcuts: GlobalShortcutView[];
  /** Everything wrong with the shortcuts as they are: two actions on one key, keys the OS keeps, keys another app holds. */
  conflicts: ShortcutConflictView[];
  /** What could not be used when the settings file was read, one line each. */
  problems: string[];
}

export interface ClipboardSettingsView extends ClipboardSettings {
  /** Whether recording is paused now (pausedUntil is in the future). */
  paused: boolean;
}

const shortcutKeys = z.array(z.string().min(1, 'a shortcut is empty').max(60, 'that is too long to be a shortcut')).max(4, 'at most 4 shortcuts per action');

export const CAPTURE_SETTINGS_REQUEST_SCHEMAS = {
  /** The capture settings of this device, with the shortcuts in effect and every conflict in words. */
  captureSettings: z.object({}).strict(),
  /** Changes some capture settings; a shortcut of null goes back to the default, [] means none. Keys that cannot be a shortcut change nothing. */
  changeCaptureSettings: z
    .object({
      afterCapture: z.object({ copy: z.boolean(), save: z.boolean(), quickAccess: z.boolean(), openEditor: z.boolean(), analyse: z.boolean() }).partial().strict().optional(),
      delaySeconds: z
        .number()
        .refine((value) => (TIMER_CHOICES as readonly number[]).includes(value), `the timer is one of ${TIMER_CHOICES.join(', ')} seconds`)
        .optional(),
      shortcuts: z.partialRecord(z.enum(SHORTCUT_ACTIONS), shortcutKeys.nullable()).optional(),
    })
    .strict(),
  /** The library's clipboard history settings. */
  clipboardSettings: z.object({}).strict(),
  /** Changes some of them; `pauseMinutes` pauses recording for that long (0 resumes). */
  changeClipboardSettings: z
    .object({
      enabled: z.boolean().optional(),
      excludedApps: z.array(z.string().max(200, 'an app name is at most 200 characters')).max(MAX_EXCLUDED_APPS, `at most ${MAX_EXCLUDED_APPS} excluded apps`).optional(),
      maxItemBytes: z.number().int().optional(),
      pauseMinutes: z.number().int().min(0).max(7 * 24 * 60, 'a pause is at most a week').optional(),
    })
    .strict(),
} as const;

export interface CaptureSettingsResults {
  captureSettings: CaptureSettingsView;
  changeCaptureSettings: CaptureSettingsView;
  clipboardSettings: ClipboardSettingsView;
  changeClipboardSettings: ClipboardSettingsView;
}
