import { describe, expect, it } from 'vitest';
import { normalizeTagInput } from '../../../contract/clip-rules.js';
import type { TagContext } from '../../../main/ai/ai-provider.js';
import { scoreContentKinds, type ContentKind } from '../../../main/ai/tagging/content-kind.js';
import { findDomains } from '../../../main/ai/tagging/domains.js';
import { detectLanguage } from '../../../main/ai/tagging/language.js';
import { textTags } from '../../../main/ai/tagging/text-tags.js';

const SAMPLES: Record<ContentKind, { text: string; image?: { width: number; height: number } }> = {
  code: {
    text: [
      "import { readFile } from 'node:fs/promises';",
      '',
      'export async function loadConfig(file: string): Promise<Config> {',
      "  const raw = await readFile(file, 'utf8');",
      '  const parsed = JSON.parse(raw);',
      '  if (!parsed.version) {',
      "    throw new Error('config has no version');",
      '  }',
      '  return parsed as Config;',
      '}',
    ].join('\n'),
  },
  terminal: {
    text: [
      'anna@laptop:~/projects/clipshot$ npm test',
      '> clipshot@0.1.0 test',
      '> vitest run',
      'Test Files  12 passed (12)',
      'anna@laptop:~/projects/clipshot$ git push origin main',
      'fatal: could not read Username for the remote',
      'anna@laptop:~/projects/clipshot$',
    ].join('\n'),
  },
  chat: {
    text: ['Anna', 'Are we still on for lunch?', '12:41', 'Yes! 1pm at the usual place', '12:43', 'Today', 'Perfect, see you there', '12:45', 'Type a message'].join('\n'),
  },
  document: {
    text: [
      'Quarterly report on the migration of the storage service',
      'During the last three months the team moved every remaining customer from the old storage',
      'cluster to the new one. The move took longer than planned because two of the largest',
      'accounts needed their data checked by hand, which we had not expected when the plan was',
      'written. No data was lost, and the service stayed available for the whole period.',
      'The next quarter will be spent on removing the old cluster and on the cost review.',
    ].join('\n'),
  },
  receipt: {
    text: ['SUPERMARKT MÜLLER', 'Milch 1,29', 'Brot 2,49', 'Käse 4,99', 'Summe EUR 8,77', 'Bar 10,00', 'Rückgeld 1,23', 'MwSt 7% 0,57', 'Vielen Dank für Ihren Einkauf'].join('\n'),
  },
  'ui-screenshot': {
    text: ['File', 'Edit', 'View', 'Help', 'Search', 'Recent projects', 'Settings', 'Cancel', 'Save'].join('\n'),
    image: { width: 1920, height: 1080 },
  },
};

describe('content kinds', () => {
  it.each(Object.keys(SAMPLES) as ContentKind[])('%s text scores highest for its kind, above 0.5, and every other kind stays under 0.5', (kind) => {
    const sample = SAMPLES[kind];
    const scores = scoreContentKinds(sample.text, sample.image);
    expect(scores[0]?.kind).toBe(kind);
    expect(scores[0]?.score).toBeGreaterThanOrEqual(0.5);
    for (const other of scores.slice(1)) expect(other.score, `${other.kind}: ${other.reasons.join('; ')}`).toBeLessThan(0.5);
  });

  it('explains each score', () => {
    const code = scoreContentKinds(SAMPLES.code.text).find((s) => s.kind === 'code');
    expect(code?.reasons).toEqual(['9 of 9 lines look like code']);
  });

  it('gives nothing for no text, and counts the size of the image for a UI screenshot', () => {
    expect(scoreContentKinds('')).toEqual([]);
    const ui = SAMPLES['ui-screenshot'].text;
    const onScreen = scoreContentKinds(ui, { width: 1920, height: 1080 }).find((s) => s.kind === 'ui-screenshot')?.score ?? 0;
    const offScreen = scoreContentKinds(ui, { width: 640, height: 480 }).find((s) => s.kind === 'ui-screenshot')?.score ?? 1;
    expect(onScreen).toBeGreaterThan(offScreen);
  });

  it('does not take columns of numbers for a receipt, nor log times for a chat', () => {
    const numbers = ['Q1 1.200,00', 'Q2 1.350,50', 'Q3 1.410,75', 'Q4 1.500,00'].join('\n');
    expect(scoreContentKinds(numbers).find((s) => s.kind === 'receipt')?.score).toBeLessThan(0.5);
    const log = ['2024-05-01 12:00:01 INFO started', '2024-05-01 12:00:02 INFO listening', '2024-05-01 12:01:40 WARN slow request', '2024-05-01 12:02:13 ERROR timeout'].join('\n');
    expect(scoreContentKinds(log).find((s) => s.kind === 'chat')?.score).toBeLessThan(0.5);
  });
});

describe('domains', () => {
  it('finds hosts of URLs, www. names and bare names with a common top-level domain', () => {
    const text = [
      'Docs: https://GitHub.com/clipshot/clipshot/issues?q=ocr and https://github.com/clipshot',
      'See www.Example.org, or developer.mozilla.org for details.',
      'Mail me@mail.com; files main.py, index.md, this.app.render(), notes.txt',
      'Local: http://localhost:3000 and http://192.168.1.10/admin',
    ].join('\n');
    expect(findDomains(text)).toEqual([
      { domain: 'github.com', count: 2, fromUrl: true },
      { domain: 'example.org', count: 1, fromUrl: true },
      { domain: 'developer.mozilla.org', count: 1, fromUrl: false },
    ]);
  });

  it('keeps ports, users and trailing dots out of the host', () => {
    expect(findDomains('https://user:pw@api.example.com:8443/v1 and https://shop.example.de./x').map((d) => d.domain)).toEqual(['api.example.com', 'shop.example.de']);
  });
});

describe('language', () => {
  const SENTENCES: Record<string, string> = {
    en: 'The meeting has been moved to Thursday because the room was not available, and we will send the new agenda to everyone who has asked for it.',
    de: 'Die Besprechung wurde auf Donnerstag verschoben, weil der Raum nicht frei war, und wir schicken die neue Tagesordnung an alle, die danach gefragt haben.',
    fr: "La réunion a été déplacée à jeudi parce que la salle n'était pas libre, et nous enverrons le nouvel ordre du jour à tous ceux qui l'ont demandé.",
    es: 'La reunión se ha movido al jueves porque la sala no estaba libre, y enviaremos la nueva agenda a todos los que la han pedido.',
    it: 'La riunione è stata spostata a giovedì perché la sala non era libera, e manderemo il nuovo ordine del giorno a tutti quelli che lo hanno chiesto.',
    pt: 'A reunião foi adiada para quinta-feira porque a sala não estava livre, e vamos enviar a nova agenda a todos os que a pediram.',
    nl: 'De vergadering is verplaatst naar donderdag omdat de zaal niet vrij was, en we sturen de nieuwe agenda naar iedereen die erom heeft gevraagd.',
    ru: 'Встреча перенесена на четверг, потому что зал был занят, и мы отправим новую повестку всем, кто её просил.',
    uk: 'Зустріч перенесено на четвер, бо зала була зайнята, і ми надішлемо новий порядок денний усім, хто його просив.',
    zh: '会议改到星期四了，因为会议室没有空，我们会把新的议程发给所有要求的人。',
    ja: '会議は木曜日に変更になりました。部屋が空いていなかったので、新しい議題を希望した全員に送ります。',
  };

  it.each(Object.entries(SENTENCES))('recognises %s', (language, sentence) => {
    const detected = detectLanguage(sentence);
    expect(detected.language).toBe(language);
    expect(detected.confidence).toBeGreaterThan(0.5);
  });

  it.each([
    ['too little text', 'OK Cancel'],
    ['code', 'const x = foo(bar, baz); return x.map((y) => y * 2);'],
    ['numbers and names', 'Müller 12,50 Schmidt 13,75 Rossi 9,99 Dupont 4,20'],
    ['two languages in equal parts', 'the and of to is in der die und das ist nicht'],
  ])('says und for %s', (_name, text) => {
    expect(detectLanguage(text)).toEqual({ language: 'und', confidence: 0 });
  });
});

describe('textTags', () => {
  const context = (recognisedText: string, sourceName = 'clip.png', kind = 'image'): TagContext => ({ recognisedText, sourceName, kind });

  it('combines kind, domains and language from the text, with the text source', () => {
    const text = `${SAMPLES.document.text}\nThe full report is at https://intranet.example.com/reports/q3 as well.`;
    const tags = textTags(context(text), { width: 800, height: 1100 });
    expect(tags.map((t) => t.tag).sort()).toEqual(['document', 'domain:intranet.example.com', 'lang:en']);
    expect(tags).toContainEqual({ tag: 'domain:intranet.example.com', score: 0.95, source: 'text' });
    expect(tags.every((t) => t.source === 'text')).toBe(true);
    for (let i = 1; i < tags.length; i++) expect(tags[i - 1]!.score).toBeGreaterThanOrEqual(tags[i]!.score);
  });

  it('tags screenshots from their file name or screen size, and camera files as photos, with the metadata source', () => {
    const shot = (name: string, size: { width: number; height: number }) => textTags(context('', name), size).filter((t) => t.source === 'metadata');
    expect(shot('/home/anna/Pictures/Screenshot 2024-05-01 at 10.22.13.png', { width: 1000, height: 700 })).toEqual([{ tag: 'screenshot', score: 0.9, source: 'metadata' }]);
    expect(shot('Bildschirmfoto vom 2024-05-01.png', { width: 2880, height: 1800 })).toEqual([{ tag: 'screenshot', score: 0.95, source: 'metadata' }]);
    expect(shot('untitled.png', { width: 1170, height: 2532 })).toEqual([{ tag: 'screenshot', score: 0.6, source: 'metadata' }]);
    expect(shot('C:\\Users\\anna\\DCIM\\IMG_20240501_101500.jpg', { width: 4032, height: 3024 })).toEqual([{ tag: 'photo', score: 0.7, source: 'metadata' }]);
    expect(shot('diagram.png', { width: 800, height: 600 })).toEqual([]);
  });

  it('only ever suggests tags a person could have typed', () => {
    const all = Object.values(SAMPLES).flatMap((s) => textTags(context(`${s.text}\nhttps://a-very-long-subdomain-name-for-testing.some-company-example.co.uk/x`), s.image ?? null));
    expect(all.length).toBeGreaterThan(6);
    for (const { tag } of all) expect(normalizeTagInput(tag)).toEqual({ ok: true, value: tag });
    // domain: plus that host would exceed the 64-character limit for tags: it is left out.
    expect(all.some((t) => t.tag.includes('a-very-long'))).toBe(false);
  });
});
