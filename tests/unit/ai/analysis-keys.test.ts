import { describe, expect, it } from 'vitest';
import { analysisInputOf, analysisNeeded, compareVersions, modelsImprove, modelsKeyOf } from '../../../main/ai/analysis/analysis-keys.js';

const hash = 'a'.repeat(64);

describe('which clips analysis takes up', () => {
  it('names models in id order, so two devices write the same key for the same models', () => {
    expect(modelsKeyOf([{ id: 'pp-ocrv4', version: '1.4.2' }, { id: 'clip-vit-b32', version: '1' }])).toBe('clip-vit-b32@1 pp-ocrv4@1.4.2');
    expect(modelsKeyOf([])).toBe('');
  });

  it('compares versions by number where both parts are numbers', () => {
    expect(compareVersions('1.10', '1.9')).toBe(1);
    expect(compareVersions('1.4.2', '1.4.2')).toBe(0);
    expect(compareVersions('2', '10')).toBe(-1);
    expect(compareVersions('1.0-beta', '1.0-alpha')).toBe(1);
    // Our own processing's version after the models' one: a newer pipeline reads clips again.
    expect(compareVersions('1.4.2+10', '1.4.2+9')).toBe(1);
    expect(compareVersions('1.4.2+1', '1.4.2')).toBe(1);
    expect(modelsImprove('pp-ocrv4@1.4.2+1', 'pp-ocrv4@1.4.2')).toBe(true);
  });

  it('improves on a result that lacks a model or has an older one, never both ways round', () => {
    const ocrOnly = 'pp-ocrv4@1.4.2';
    const ocrAndClip = 'clip-vit-b32@1 pp-ocrv4@1.4.2';
    expect(modelsImprove(ocrAndClip, ocrOnly)).toBe(true);
    expect(modelsImprove(ocrOnly, ocrAndClip)).toBe(false);
    expect(modelsImprove('pp-ocrv4@1.5.0', ocrOnly)).toBe(true);
    expect(modelsImprove(ocrOnly, 'pp-ocrv4@1.5.0')).toBe(false);
    expect(modelsImprove(ocrOnly, ocrOnly)).toBe(false);
    // Two devices, each with a model the other lacks: both would improve on each other's result,
    // which is why a result is only replaced for a new input or by the device that improves on it.
    expect(modelsImprove('a@1', 'b@1')).toBe(true);
  });

  it('analyses a new clip, a clip whose edits changed, and nothing in the trash', () => {
    const clip = { contentHash: hash, edited: null, deletedAt: null };
    expect(analysisNeeded(clip, 'pp-ocrv4@1')).toBe('new');
    const analysed = { ...clip, analysis: { text: '', suggested: [], rejected: [], input: analysisInputOf(clip), models: 'pp-ocrv4@1', at: 1 } };
    expect(analysisNeeded(analysed, 'pp-ocrv4@1')).toBeNull();
    expect(analysisNeeded(analysed, 'pp-ocrv4@2')).toBe('changed');
    const cropped = { ...analysed, edited: { summary: 'cropped', at: 5, thumb: 'b'.repeat(64) } };
    expect(analysisInputOf(cropped)).not.toBe(analysisInputOf(clip));
    expect(analysisNeeded(cropped, 'pp-ocrv4@1')).toBe('changed');
    expect(analysisNeeded({ ...clip, deletedAt: 10 }, 'pp-ocrv4@1')).toBeNull();
  });
});
