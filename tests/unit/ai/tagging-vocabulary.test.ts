import { describe, expect, it } from 'vitest';
import { normalizeTagInput } from '../../../contract/clip-rules.js';
import { compileVocabulary, scoreLabels } from '../../../main/ai/tagging/label-rules.js';
import { TaggingError } from '../../../main/ai/tagging/tagging-errors.js';
import { VOCABULARY, type LabelDefinition } from '../../../main/ai/tagging/vocabulary.js';

describe('the curated vocabulary', () => {
  it('compiles, and every tag is one a person could type', () => {
    const compiled = compileVocabulary(VOCABULARY);
    expect(VOCABULARY.length).toBeGreaterThanOrEqual(80);
    expect(VOCABULARY.length).toBeLessThanOrEqual(150);
    for (const { tag } of VOCABULARY) {
      expect(normalizeTagInput(tag)).toEqual({ ok: true, value: tag });
      expect(tag).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
    expect(compiled.labels.length).toBeGreaterThan(100);
  });

  it('covers what a clip library holds', () => {
    const tags = new Set(VOCABULARY.map((l) => l.tag));
    for (const tag of ['screenshot', 'terminal', 'code-editor', 'diagram', 'flowchart', 'chart', 'bar-chart', 'pie-chart', 'document', 'receipt', 'invoice', 'map', 'person', 'animal', 'food', 'photo']) {
      expect(tags, tag).toContain(tag);
    }
  });

  it('puts a specific label before the broader tag it implies, though the broader one scores higher', () => {
    const compiled = compileVocabulary(VOCABULARY);
    const similarities = compiled.labels.map((label) => (label.tag === 'receipt' ? 0.35 : 0.2));
    const tags = scoreLabels(compiled, similarities);
    expect(tags.map((t) => t.tag).slice(0, 2)).toEqual(['receipt', 'document']);
    expect(tags[1]?.score).toBeGreaterThan(tags[0]?.score ?? 1);
  });
});

describe('scoreLabels', () => {
  const vocabulary: LabelDefinition[] = [
    { tag: 'a', prompts: ['a'], threshold: 0.1, implies: ['ab'] },
    { tag: 'b', prompts: ['b'], threshold: 0.1, implies: ['ab'] },
    { tag: 'ab', prompts: [], threshold: 0.1, implies: ['top'] },
    { tag: 'top', prompts: [], threshold: 0.1, priority: -3 },
    { tag: 'c', prompts: ['c'], threshold: 0.1, priority: 2 },
    { tag: 'none', prompts: ['n'], threshold: 0, exclude: true },
  ];

  it('is a softmax with the given scale, and a tag implied through another collects both levels', () => {
    const compiled = compileVocabulary(vocabulary);
    const sims = [0.3, 0.1, 0.2, 0.0];
    const exps = sims.map((s) => Math.exp(10 * s));
    const sum = exps.reduce((x, y) => x + y);
    const scores = Object.fromEntries(scoreLabels(compiled, sims, { logitScale: 10, maxTags: 10 }).map((t) => [t.tag, t.score]));
    expect(scores['a']).toBeCloseTo((exps[0] ?? 0) / sum, 6);
    expect(scores['ab']).toBeCloseTo(((exps[0] ?? 0) + (exps[1] ?? 0)) / sum, 6);
    expect(scores['top']).toBeCloseTo(scores['ab'] ?? -1, 6);
    expect(scores).not.toHaveProperty('none');
  });

  it('orders by score weighted by priority, and cuts to the top few', () => {
    const compiled = compileVocabulary(vocabulary);
    // c and a are equally likely; c's priority puts it first. top scores as much as ab but its
    // priority of -3 puts it below a.
    const tags = scoreLabels(compiled, [0.2, 0.0, 0.2, -1], { logitScale: 10, maxTags: 10 }).map((t) => t.tag);
    expect(tags).toEqual(['c', 'ab', 'a', 'top']); // b (0.06) is under its 0.1
    expect(scoreLabels(compiled, [0.2, 0.0, 0.2, -1], { logitScale: 10, maxTags: 2 }).map((t) => t.tag)).toEqual(['c', 'ab']);
  });

  it('rejects a similarity vector of the wrong length', () => {
    expect(() => scoreLabels(compileVocabulary(vocabulary), [0.1])).toThrow(RangeError);
  });
});

describe('compileVocabulary refuses', () => {
  const ok: LabelDefinition[] = [
    { tag: 'x', prompts: ['x'], threshold: 0.2 },
    { tag: 'y', prompts: ['y'], threshold: 0.2 },
  ];
  const cases: [string, LabelDefinition[], RegExp][] = [
    ['a tag defined twice', [...ok, { tag: 'x', prompts: ['z'], threshold: 0.2 }], /defined twice/],
    ['an implied tag it does not define', [{ ...ok[0]!, implies: ['nowhere'] }, ok[1]!], /does not define/],
    ['labels implying each other', [{ ...ok[0]!, implies: ['y'] }, { ...ok[1]!, implies: ['x'] }], /circle: x → y → x/],
    ['a threshold above 1', [{ ...ok[0]!, threshold: 1.5 }, ok[1]!], /threshold outside/],
    ['a tag with a comma', [{ ...ok[0]!, tag: 'a,b' }, ok[1]!], /not a valid tag/],
    ['an empty prompt', [{ ...ok[0]!, prompts: [' '] }, ok[1]!], /empty prompt/],
    ['fewer than two labels to choose between', [ok[0]!], /at least two labels/],
  ];
  it.each(cases)('%s', (_name, definitions, message) => {
    const error = (() => {
      try {
        compileVocabulary(definitions);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TaggingError);
    expect(error).toMatchObject({ code: 'bad-vocabulary', message: expect.stringMatching(message) });
  });
});
