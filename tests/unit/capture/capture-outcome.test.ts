import { describe, expect, it } from 'vitest';
import { captureOutcome, DEFAULT_AFTER_CAPTURE, saveCaptureSchema } from '../../../contract/capture/capture.js';

describe('what a capture does afterwards', () => {
  it('Enter follows the settings: by default copied, saved, shown in the corner and analysed', () => {
    expect(captureOutcome(DEFAULT_AFTER_CAPTURE, 'enter')).toEqual({ copy: true, save: true, quickAccess: true, openEditor: false, analyse: true, pin: false });
  });

  it('Ctrl+C copies and Ctrl+S saves whatever the settings say', () => {
    const nothing = { copy: false, save: false, quickAccess: true, openEditor: true, analyse: true };
    expect(captureOutcome({ ...nothing, save: true }, 'copy')).toMatchObject({ copy: true, save: true });
    expect(captureOutcome({ ...nothing, copy: true }, 'save')).toMatchObject({ copy: true, save: true, openEditor: true });
    expect(captureOutcome({ ...DEFAULT_AFTER_CAPTURE, save: false }, 'copy')).toEqual({ copy: true, save: false, quickAccess: false, openEditor: false, analyse: false, pin: false });
  });

  it('never loses a capture: settings that neither copy nor save still save on Enter', () => {
    expect(captureOutcome({ copy: false, save: false, quickAccess: false, openEditor: false, analyse: false }, 'enter')).toMatchObject({ save: true, copy: false });
  });

  it('pins without a quick-access card, saving or copying as set', () => {
    expect(captureOutcome(DEFAULT_AFTER_CAPTURE, 'pin')).toMatchObject({ pin: true, quickAccess: false, save: true, copy: true });
  });

  it('checks a save request: a region of at least one pixel, readable annotations', () => {
    const base = { captureId: 'a'.repeat(32), region: { x: 0, y: 0, width: 10, height: 10 }, trigger: 'enter' };
    expect(saveCaptureSchema.safeParse(base).success).toBe(true);
    expect(saveCaptureSchema.safeParse({ ...base, region: { x: 0, y: 0, width: 0, height: 10 } }).success).toBe(false);
    expect(saveCaptureSchema.safeParse({ ...base, trigger: 'print' }).success).toBe(false);
    const bad = saveCaptureSchema.safeParse({ ...base, annotations: [{ id: 'x1', kind: 'arrow', z: 1, createdAt: 0, color: 'red' }] });
    expect(bad.success).toBe(false);
    const good = saveCaptureSchema.parse({ ...base, annotations: [{ id: 'x1', kind: 'arrow', z: 1, createdAt: 0, color: '#ff0000', x1: 1, y1: 1, x2: 5, y2: 5, width: 2 }] });
    expect(good.annotations).toHaveLength(1);
  });
});
