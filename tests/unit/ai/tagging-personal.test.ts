import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { personalFeatures } from '../../../main/ai/tagging/personal-features.js';
import { PERSONAL_MODEL_VERSION, PersonalTagger } from '../../../main/ai/tagging/personal-tagger.js';
import { tempDir } from '../../helpers/temp.js';

// Small, varied clips: no two receipts share a shop or most of their items, so the tagger has to
// learn what receipts have in common rather than match one it saw.
const SHOPS = ['Corner Market', 'Bakery Lindner', 'Fresh Foods', 'City Pharmacy', 'Hardware Hub', 'Book Nook', 'Green Grocer', 'Cafe Aroma'];
const ITEMS = ['milk', 'bread', 'apples', 'coffee', 'nails', 'novel', 'soap', 'tea', 'cheese', 'batteries', 'pasta', 'tape'];

function receipt(i: number): string {
  const lines = [SHOPS[i % SHOPS.length]!, `Invoice no ${1000 + i}`];
  for (let k = 0; k < 3; k++) lines.push(`${ITEMS[(i * 3 + k) % ITEMS.length]} ${(2 + i + k).toFixed(2)}`);
  lines.push(`Subtotal ${(10 + i).toFixed(2)}`, `Tax 19% ${(1.9 + i / 10).toFixed(2)}`, `Total EUR ${(11.9 + i).toFixed(2)}`, 'Paid by card', 'Thank you for your purchase');
  return lines.join('\n');
}

const OTHER: { text: string; tag: string }[] = [
  { text: 'function render(items) {\n  return items.map((item) => item.name);\n}', tag: 'work' },
  { text: 'const server = createServer(handler);\nserver.listen(8080);', tag: 'work' },
  { text: 'git rebase main\nfix merge conflict in parser module', tag: 'work' },
  { text: 'Sunset over the harbour, boats coming back to the pier', tag: 'holiday' },
  { text: 'Our hotel room had a view of the mountains and the lake', tag: 'holiday' },
  { text: 'Walked along the beach to the old lighthouse this morning', tag: 'holiday' },
];

const features = (text: string, sourceName = 'scan.png') => personalFeatures({ recognisedText: text, sourceName, kind: 'image' });

function trained(tagger: PersonalTagger, receipts = 5): void {
  for (let i = 0; i < receipts; i++) tagger.learn(`receipt-${i}`, features(receipt(i)), { added: ['invoice'] });
  OTHER.forEach((other, i) => tagger.learn(`other-${i}`, features(other.text), { added: [other.tag] }));
}

async function emptyTagger(options = {}): Promise<PersonalTagger> {
  return PersonalTagger.open(path.join(await tempDir(), 'personal.json'), options);
}

describe('PersonalTagger', () => {
  it('after a few receipts tagged invoice, suggests invoice for a new receipt and not for unrelated text', async () => {
    const tagger = await emptyTagger();
    trained(tagger);
    const newReceipt = receipt(17);
    expect(tagger.suggest('new-receipt', features(newReceipt))).toEqual([{ tag: 'invoice', score: expect.any(Number), source: 'personal' }]);
    expect(tagger.suggest('new-receipt', features(newReceipt))[0]!.score).toBeGreaterThan(0.9);

    const holiday = 'Drove to the lake and watched the sunset over the mountains';
    expect(tagger.suggest('new-photo', features(holiday)).map((s) => s.tag)).toEqual(['holiday']);
    const poem = 'Quiet rivers wander slowly under ancient willow branches';
    expect(tagger.suggest('new-poem', features(poem))).toEqual([]);
    // Shares "total", "paid" and "for" with every receipt, but lacks the rest of what receipts have.
    const talk = 'We talked about the total cost of the trip and who paid for the hotel';
    expect(tagger.score('invoice', features(talk))).toBeLessThan(0.1);
    expect(tagger.suggest('new-note', features(talk)).map((s) => s.tag)).not.toContain('invoice');
  });

  it('suggests nothing for a tag used fewer than the minimum number of times', async () => {
    const tagger = await emptyTagger({ minUses: 3 });
    for (let i = 0; i < 2; i++) tagger.learn(`receipt-${i}`, features(receipt(i)), { accepted: ['invoice'] });
    OTHER.forEach((other, i) => tagger.learn(`other-${i}`, features(other.text), { added: [other.tag] }));
    expect(tagger.score('invoice', features(receipt(9)))).toBeGreaterThan(0.7);
    expect(tagger.suggest('x', features(receipt(9))).map((s) => s.tag)).not.toContain('invoice');
    tagger.learn('receipt-2', features(receipt(2)), { accepted: ['invoice'] });
    expect(tagger.suggest('x', features(receipt(9))).map((s) => s.tag)).toContain('invoice');
  });

  it('lowers the score after rejections, more than the same clip tagged otherwise would, and never suggests a rejected tag for that clip again', async () => {
    const rejecting = await emptyTagger();
    const neutral = await emptyTagger();
    trained(rejecting);
    trained(neutral);
    const probe = features(receipt(21));
    const before = rejecting.score('invoice', probe);

    // The person says a receipt-like clip is not an invoice; in the other model the same clip
    // merely gets another tag.
    rejecting.learn('rejected-1', features(receipt(30)), { rejected: ['invoice'] });
    neutral.learn('rejected-1', features(receipt(30)), { added: ['shopping'] });
    expect(rejecting.score('invoice', probe)).toBeLessThan(neutral.score('invoice', probe));
    expect(neutral.score('invoice', probe)).toBeLessThanOrEqual(before);

    expect(rejecting.suggest('rejected-1', features(receipt(30)))).toEqual([]);
    // The same text as another clip still gets it.
    expect(rejecting.suggest('other-clip', features(receipt(30))).map((s) => s.tag)).toContain('invoice');
  });

  it('takes back a decision the person reverses', async () => {
    const tagger = await emptyTagger();
    trained(tagger);
    const probe = features(receipt(40));
    const base = tagger.score('invoice', probe);
    tagger.learn('flip', features(receipt(41)), { rejected: ['invoice'] });
    tagger.learn('flip', features(receipt(41)), { accepted: ['invoice'] });
    // Rejection undone and a positive added: at least as sure as before either.
    expect(tagger.score('invoice', probe)).toBeGreaterThanOrEqual(base);
    expect(tagger.toJSON().tags['invoice']).toMatchObject({ uses: 6, rejections: 0 });
    tagger.learn('flip', features(receipt(41)), { removed: ['invoice'] });
    expect(tagger.toJSON().tags['invoice']).toMatchObject({ uses: 5, rejections: 1 });
  });

  it('leaves out tags the clip already has', async () => {
    const tagger = await emptyTagger();
    trained(tagger);
    expect(tagger.suggest('n', features(receipt(50)), ['invoice'])).toEqual([]);
  });

  it('saves to versioned JSON and opens it again with the same behaviour', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'models', 'personal.json');
    const tagger = await PersonalTagger.open(file);
    trained(tagger);
    tagger.learn('rejected-1', features(receipt(30)), { rejected: ['invoice'] });
    await tagger.save();

    const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { format: string; version: number };
    expect(saved).toMatchObject({ format: 'clipshot-personal-tagger', version: PERSONAL_MODEL_VERSION });

    const reopened = await PersonalTagger.open(file);
    expect(reopened.problem).toBeUndefined();
    const probe = features(receipt(60));
    expect(reopened.score('invoice', probe)).toBe(tagger.score('invoice', probe));
    expect(reopened.suggest('rejected-1', features(receipt(30)))).toEqual([]);
    expect(reopened.toJSON()).toEqual(tagger.toJSON());
  });

  it.each([
    ['not JSON', '{"format": "clipshot-personal'],
    ['another version', JSON.stringify({ format: 'clipshot-personal-tagger', version: 99, clipsLearned: 0, featureClips: {}, tags: {}, clips: {} })],
    ['a wrong shape', JSON.stringify({ format: 'clipshot-personal-tagger', version: 1, clipsLearned: -3, featureClips: {}, tags: {}, clips: {} })],
  ])('reports a file with %s, keeps it aside, and starts afresh', async (_name, content) => {
    const dir = await tempDir();
    const file = path.join(dir, 'personal.json');
    await fs.writeFile(file, content);
    const tagger = await PersonalTagger.open(file);
    expect(tagger.problem).toMatch(/could not be read .*moved to personal\.json\.bad-\d+/);
    expect(tagger.toJSON()).toMatchObject({ clipsLearned: 0, tags: {} });
    const aside = (await fs.readdir(dir)).filter((name) => name.startsWith('personal.json.bad-'));
    expect(aside).toHaveLength(1);
    expect(await fs.readFile(path.join(dir, aside[0]!), 'utf8')).toBe(content);

    trained(tagger);
    await tagger.save();
    expect((await PersonalTagger.open(file)).problem).toBeUndefined();
  });
});

describe('personalFeatures', () => {
  it('takes words, the file name, the kind, other suggestions, and whether there are amounts and dates', () => {
    const f = personalFeatures({
      title: 'Lunch',
      recognisedText: 'Total 12.50 EUR on 2024-05-01, thanks! 42',
      sourceName: '/home/anna/Screenshot_Receipt.PNG',
      kind: 'image',
      suggestedTags: ['receipt'],
    });
    expect(f).toEqual(
      expect.arrayContaining(['kind:image', 'tag:receipt', 'ext:png', 'src:screenshot', 'src:receipt', 'has:amount', 'has:date', 'w:lunch', 'w:total', 'w:eur', 'w:thanks']),
    );
    expect(f).not.toContain('w:42');
    expect(new Set(f).size).toBe(f.length);
  });

  it('splits text written without spaces into pairs of characters', () => {
    expect(personalFeatures({ recognisedText: '領収書' })).toEqual(['w:領収', 'w:収書']);
  });
});
