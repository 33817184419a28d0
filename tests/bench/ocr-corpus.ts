// The OCR benchmark's images, rendered here with known text: documents and code drawn by librsvg,
// UI screens drawn by Chromium, light and dark, small fonts and 1920x1080 full screens. The text is
// made from a seeded generator, so every run draws the same images.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { renderTextLines, screenshotPage, type TextBlockStyle } from '../helpers/ocr-images.js';

export interface CorpusImage {
  readonly name: string;
  /** document, code, ui, dark, small, full-screen: an image may be in several. */
  readonly categories: readonly string[];
  readonly file: string;
  readonly lines: readonly string[];
}

const WORDS = (
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their ' +
  'if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find ' +
  'long down day did get come made may part over new sound take only little work know place year live me back give most very after thing our just name good sentence man think say great where help ' +
  'through much before line right too mean old any same tell boy follow came want show also around form three small set put end does another well large must big even such because turn here why ask ' +
  'went men read need land different home us move try kind hand picture again change off play spell air away animal house point page letter mother answer found study still learn should America world ' +
  'invoice project meeting release server backup update account password settings privacy security download upload network storage folder document screenshot clipboard library search export import'
).split(' ');

const NAMES = ['Alice Martin', 'Bob Chen', 'Carla Rossi', 'David Okafor', 'Emma Larsen', 'Farid Haddad', 'Grace Kim', 'Hugo Weber', 'Ines Duarte', 'Jonas Berg'];

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class TextMaker {
  readonly #random: () => number;
  constructor(seed: number) {
    this.#random = seeded(seed);
  }
  int(low: number, high: number): number {
    return low + Math.floor(this.#random() * (high - low + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)]!;
  }
  words(count: number): string {
    return Array.from({ length: count }, () => this.pick(WORDS)).join(' ');
  }
  /** A sentence-like line of at most `maxChars`, with capitals, commas, numbers and a full stop. */
  sentence(maxChars: number): string {
    let text = '';
    while (text.length < maxChars * 0.6) {
      let word = this.pick(WORDS);
      const roll = this.#random();
      if (roll < 0.06) word = String(this.int(2, 2024));
      else if (roll < 0.09) word = `${word},`;
      else if (roll < 0.11) word = `"${word}"`;
      const next = text === '' ? word[0]!.toUpperCase() + word.slice(1) : `${text} ${word}`;
      if (next.length > maxChars - 1) break;
      text = next;
    }
    return `${text}${this.pick(['.', '.', '.', '?', '!', ':'])}`;
  }
  title(): string {
    return this.words(this.int(2, 4)).replace(/\b\w/, (c) => c.toUpperCase());
  }
  date(): string {
    return `${this.int(1, 28)} ${this.pick(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'])} ${this.int(2019, 2025)}`;
  }
  time(): string {
    return `${String(this.int(0, 23)).padStart(2, '0')}:${String(this.int(0, 59)).padStart(2, '0')}`;
  }
  email(): string {
    return `${this.pick(WORDS)}.${this.pick(WORDS)}@example.${this.pick(['com', 'org', 'net'])}`;
  }
  money(): string {
    return `$${this.int(1, 9999)}.${String(this.int(0, 99)).padStart(2, '0')}`;
  }
  codeLine(): string {
    const id = () => this.pick(WORDS.filter((word) => /^[a-z]+$/.test(word)));
    const forms = [
      () => `const ${id()}${this.pick(['Count', 'Name', 'Path', 'Size'])} = ${id()}.${id()}(${id()}, ${this.int(0, 99)});`,
      () => `if (${id()} === null) return ${id()};`,
      () => `for (let i = 0; i < ${id()}.length; i++) {`,
      () => `export function ${id()}${this.pick(['Items', 'Text', 'Files'])}(${id()}: string): number {`,
      () => `  ${id()}.push({ ${id()}: ${this.int(1, 500)}, ${id()}: '${id()}' });`,
      () => `// ${this.sentence(50)}`,
      () => `import { ${id()} } from './${id()}.js';`,
      () => `return ${id()}.map((${id()}) => ${id()} * ${this.int(2, 9)});`,
    ];
    return this.pick(forms)();
  }
}

interface PageSpec {
  name: string;
  categories: string[];
  width: number;
  height: number;
  html: string;
}

const LIGHT = { bg: '#ffffff', panel: '#f3f4f6', fg: '#1f2328', muted: '#59636e', accent: '#0969da', border: '#d1d9e0' };
const DARK = { bg: '#0d1117', panel: '#161b22', fg: '#e6edf3', muted: '#9198a1', accent: '#4493f8', border: '#30363d' };

function page(theme: typeof LIGHT, fontSize: number, body: string, extraCss = ''): string {
  return `<!doctype html><html><head><style>
    * { box-sizing: border-box; }
    body { margin: 0; font-family: 'DejaVu Sans', sans-serif; font-size: ${fontSize}px; background: ${theme.bg}; color: ${theme.fg}; }
    [data-text] { white-space: nowrap; overflow: hidden; }
    .muted { color: ${theme.muted}; } .accent { color: ${theme.accent}; }
    .row { display: flex; gap: 24px; align-items: center; padding: 8px 16px; border-bottom: 1px solid ${theme.border}; }
    .panel { background: ${theme.panel}; }
    ${extraCss}
  </style></head><body>${body}</body></html>`;
}

const t = (text: string, cls = '', tag = 'div') => `<${tag} data-text${cls ? ` class="${cls}"` : ''}>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${tag}>`;

function settingsPage(maker: TextMaker, theme: typeof LIGHT, fontSize: number): string {
  const side = Array.from({ length: 9 }, () => t(maker.title(), 'muted')).join('');
  const rows = Array.from({ length: 12 }, () => `<div class="row"><div style="width:280px">${t(maker.title())}</div>${t(maker.sentence(48), 'muted')}<div style="margin-left:auto">${t(maker.pick(['On', 'Off', 'Automatic', 'Never', 'Every day', '5 minutes']), 'accent')}</div></div>`).join('');
  return page(theme, fontSize, `<div style="display:flex;height:100vh"><nav class="panel" style="width:240px;padding:16px;display:flex;flex-direction:column;gap:14px">${side}</nav><main style="flex:1;padding:24px"><h1 style="font-size:1.6em;margin:0 0 16px">${t('Settings', '', 'span')}</h1>${rows}</main></div>`);
}

function inboxPage(maker: TextMaker, theme: typeof LIGHT, fontSize: number, rows: number): string {
  const list = Array.from({ length: rows }, () => `<div class="row"><div style="width:200px">${t(maker.pick(NAMES))}</div><div style="flex:1;display:flex;gap:12px;overflow:hidden">${t(maker.title(), '', 'b')}${t(maker.sentence(60), 'muted', 'span')}</div>${t(maker.date(), 'muted')}</div>`).join('');
  const folders = ['Inbox', 'Starred', 'Sent', 'Drafts', 'Archive', 'Spam', 'Trash'].map((name) => `<div style="display:flex;justify-content:space-between">${t(name)}${t(String(maker.int(1, 300)), 'muted')}</div>`).join('');
  return page(theme, fontSize, `<div style="display:flex;height:100vh"><nav class="panel" style="width:220px;padding:16px;display:flex;flex-direction:column;gap:12px">${folders}</nav><main style="flex:1">${list}</main></div>`);
}

function chatPage(maker: TextMaker, theme: typeof LIGHT, fontSize: number): string {
  const messages = Array.from({ length: 8 }, (_, i) => {
    const mine = i % 2 === 1;
    const lines = Array.from({ length: maker.int(1, 2) }, () => t(maker.sentence(54))).join('');
    return `<div style="display:flex;flex-direction:column;align-items:${mine ? 'flex-end' : 'flex-start'};margin:10px 24px"><div style="display:flex;gap:10px">${t(mine ? 'You' : maker.pick(NAMES), 'muted')}${t(maker.time(), 'muted')}</div><div class="panel" style="padding:10px 14px;border-radius:12px;margin-top:4px">${lines}</div></div>`;
  }).join('');
  return page(theme, fontSize, `<div style="padding:12px 24px;border-bottom:1px solid ${theme.border}">${t(`# ${maker.pick(WORDS)}-${maker.pick(WORDS)}`, '', 'b')}</div>${messages}`);
}

function terminalPage(maker: TextMaker, fontSize: number, lines: number): string {
  const out = Array.from({ length: lines }, () => {
    const kind = maker.int(0, 3);
    if (kind === 0) return t(`$ git commit -m "${maker.sentence(40)}"`);
    if (kind === 1) return t(`${maker.pick(['-rw-r--r--', 'drwxr-xr-x'])} 1 user staff ${maker.int(100, 99999)} ${maker.date()} ${maker.pick(WORDS)}.${maker.pick(['ts', 'json', 'md', 'png'])}`);
    if (kind === 2) return t(`${maker.pick(['error', 'warning', 'info'])}: ${maker.sentence(60)}`);
    return t(maker.codeLine());
  }).join('');
  return page(DARK, fontSize, `<div style="padding:16px;font-family:'DejaVu Sans Mono',monospace;line-height:1.5">${out}</div>`);
}

function tablePage(maker: TextMaker, theme: typeof LIGHT, fontSize: number, rows: number): string {
  const head = ['Invoice', 'Customer', 'Email', 'Date', 'Amount', 'Status'];
  const cell = (text: string) => `<td>${t(text, '', 'span')}</td>`;
  const body = Array.from({ length: rows }, () => `<tr>${cell(`INV-${maker.int(1000, 9999)}`)}${cell(maker.pick(NAMES))}${cell(maker.email())}${cell(maker.date())}${cell(maker.money())}${cell(maker.pick(['Paid', 'Overdue', 'Draft', 'Sent']))}</tr>`).join('');
  return page(theme, fontSize, `<table style="border-collapse:collapse;margin:24px;width:calc(100% - 48px)"><thead><tr>${head.map((h) => `<th style="text-align:left;padding:6px 10px;border-bottom:2px solid ${theme.border}">${t(h, '', 'span')}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`, `td { padding: 5px 10px; border-bottom: 1px solid ${theme.border}; }`);
}

function articlePage(maker: TextMaker, theme: typeof LIGHT, fontSize: number, paragraphs: number, serif: boolean): string {
  // Each line of a paragraph is its own element, so the known text has the lines the image shows.
  const para = () => `<p style="margin:0 0 14px">${Array.from({ length: maker.int(3, 5) }, () => t(maker.sentence(76))).join('')}</p>`;
  const family = serif ? "'DejaVu Serif', serif" : "'DejaVu Sans', sans-serif";
  return page(theme, fontSize, `<article style="max-width:${fontSize * 48}px;margin:32px auto;font-family:${family};line-height:1.55">${t(maker.title(), '', 'h1')}${t(`${maker.pick(NAMES)} · ${maker.date()}`, 'muted')}${Array.from({ length: paragraphs }, para).join('')}</article>`);
}

function dashboardPage(maker: TextMaker, theme: typeof LIGHT, fontSize: number): string {
  const card = () => `<div class="panel" style="padding:16px;border-radius:8px">${t(maker.title(), 'muted')}<div style="font-size:2em;margin:6px 0">${t(maker.money(), '', 'span')}</div>${t(`${maker.pick(['+', '-'])}${maker.int(1, 40)}.${maker.int(0, 9)}% since ${maker.date()}`, 'muted')}</div>`;
  const activity = Array.from({ length: 10 }, () => `<div class="row">${t(maker.time(), 'muted')}${t(maker.sentence(70))}</div>`).join('');
  return page(theme, fontSize, `<header style="padding:12px 24px;display:flex;gap:32px;border-bottom:1px solid ${theme.border}">${['Overview', 'Reports', 'Customers', 'Billing', 'Support'].map((x) => t(x)).join('')}</header><div style="display:grid;grid-template-columns:repeat(4,1fr);gap:16px;padding:24px">${Array.from({ length: 8 }, card).join('')}</div><div style="padding:0 24px">${activity}</div>`);
}

function dialogPage(maker: TextMaker, theme: typeof LIGHT, fontSize: number): string {
  return page(theme, fontSize, `<div style="display:flex;height:100vh;align-items:center;justify-content:center;background:${theme.panel}"><div style="background:${theme.bg};border:1px solid ${theme.border};border-radius:10px;padding:24px;width:560px">${t(maker.title(), '', 'h2')}${t(maker.sentence(56))}${t(maker.sentence(56))}${t(maker.sentence(56))}<div style="display:flex;justify-content:flex-end;gap:12px;margin-top:20px">${t('Cancel', '', 'button')}${t(maker.pick(['Save changes', 'Delete file', 'Continue', 'Install update']), '', 'button')}</div></div></div>`);
}

function pageSpecs(): PageSpec[] {
  const m = (seed: number) => new TextMaker(seed);
  return [
    { name: 'settings-light', categories: ['ui'], width: 1280, height: 800, html: settingsPage(m(1), LIGHT, 14) },
    { name: 'settings-dark', categories: ['ui', 'dark'], width: 1280, height: 800, html: settingsPage(m(2), DARK, 14) },
    { name: 'inbox-full', categories: ['ui', 'full-screen'], width: 1920, height: 1080, html: inboxPage(m(3), LIGHT, 14, 24) },
    { name: 'inbox-dark-full', categories: ['ui', 'dark', 'full-screen'], width: 1920, height: 1080, html: inboxPage(m(4), DARK, 14, 24) },
    { name: 'inbox-small-full', categories: ['ui', 'small', 'full-screen'], width: 1920, height: 1080, html: inboxPage(m(5), LIGHT, 11, 30) },
    { name: 'chat', categories: ['ui'], width: 1280, height: 800, html: chatPage(m(6), LIGHT, 15) },
    { name: 'chat-dark', categories: ['ui', 'dark'], width: 1280, height: 800, html: chatPage(m(7), DARK, 15) },
    { name: 'terminal', categories: ['code', 'dark'], width: 1280, height: 800, html: terminalPage(m(8), 14, 26) },
    { name: 'terminal-small-full', categories: ['code', 'dark', 'small', 'full-screen'], width: 1920, height: 1080, html: terminalPage(m(9), 12, 48) },
    { name: 'table-full', categories: ['ui', 'full-screen'], width: 1920, height: 1080, html: tablePage(m(10), LIGHT, 14, 28) },
    { name: 'table-small-full', categories: ['ui', 'small', 'full-screen'], width: 1920, height: 1080, html: tablePage(m(11), LIGHT, 12, 34) },
    { name: 'table-dark', categories: ['ui', 'dark'], width: 1366, height: 768, html: tablePage(m(12), DARK, 13, 20) },
    { name: 'article-full', categories: ['document', 'full-screen'], width: 1920, height: 1080, html: articlePage(m(13), LIGHT, 17, 5, false) },
    { name: 'article-serif', categories: ['document'], width: 1366, height: 768, html: articlePage(m(14), LIGHT, 16, 4, true) },
    { name: 'article-dark', categories: ['document', 'dark'], width: 1366, height: 768, html: articlePage(m(15), DARK, 16, 4, false) },
    { name: 'article-small', categories: ['document', 'small'], width: 1280, height: 800, html: articlePage(m(16), LIGHT, 12, 6, false) },
    { name: 'dashboard-full', categories: ['ui', 'full-screen'], width: 1920, height: 1080, html: dashboardPage(m(17), LIGHT, 14) },
    { name: 'dashboard-dark-full', categories: ['ui', 'dark', 'full-screen'], width: 1920, height: 1080, html: dashboardPage(m(18), DARK, 14) },
    { name: 'dialog', categories: ['ui'], width: 1024, height: 640, html: dialogPage(m(19), LIGHT, 15) },
    { name: 'dialog-dark', categories: ['ui', 'dark'], width: 1024, height: 640, html: dialogPage(m(20), DARK, 15) },
  ];
}

interface SvgSpec {
  name: string;
  categories: string[];
  lines: string[];
  style: TextBlockStyle;
}

function svgSpecs(): SvgSpec[] {
  const m = (seed: number) => new TextMaker(seed);
  const prose = (maker: TextMaker, count: number, chars: number) => Array.from({ length: count }, () => maker.sentence(chars));
  const code = (maker: TextMaker, count: number) => Array.from({ length: count }, () => maker.codeLine());
  const mono = 'DejaVu Sans Mono';
  return [
    { name: 'doc-16', categories: ['document'], lines: prose(m(31), 14, 80), style: { fontSize: 16, width: 900 } },
    { name: 'doc-serif-20', categories: ['document'], lines: prose(m(32), 10, 70), style: { fontSize: 20, fontFamily: 'DejaVu Serif', width: 1000 } },
    { name: 'doc-13', categories: ['document', 'small'], lines: prose(m(33), 16, 90), style: { fontSize: 13, width: 800 } },
    { name: 'doc-11', categories: ['document', 'small'], lines: prose(m(34), 18, 90), style: { fontSize: 11, width: 680 } },
    { name: 'doc-dark-16', categories: ['document', 'dark'], lines: prose(m(35), 12, 80), style: { fontSize: 16, width: 900, background: '#1e1e1e', foreground: '#d4d4d4' } },
    { name: 'doc-bold-28', categories: ['document'], lines: prose(m(36), 6, 50), style: { fontSize: 28, fontWeight: 'bold', width: 1000 } },
    { name: 'code-14', categories: ['code'], lines: code(m(37), 16), style: { fontSize: 14, fontFamily: mono, width: 900 } },
    { name: 'code-dark-14', categories: ['code', 'dark'], lines: code(m(38), 16), style: { fontSize: 14, fontFamily: mono, width: 900, background: '#1e1e1e', foreground: '#9cdcfe' } },
    { name: 'code-small-12', categories: ['code', 'small'], lines: code(m(39), 20), style: { fontSize: 12, fontFamily: mono, width: 800 } },
    { name: 'doc-grey-low-contrast', categories: ['document'], lines: prose(m(40), 10, 80), style: { fontSize: 15, width: 880, background: '#f5f5f5', foreground: '#8a8a8a' } },
  ];
}

/** Renders every image into `dir` as PNG and returns each with its known lines. */
export async function renderOcrCorpus(dir: string): Promise<CorpusImage[]> {
  const images: CorpusImage[] = [];
  for (const spec of svgSpecs()) {
    const rendered = await renderTextLines(spec.lines, spec.style);
    const file = path.join(dir, `${spec.name}.png`);
    await fs.writeFile(file, rendered.image.encoded.bytes);
    images.push({ name: spec.name, categories: spec.categories, file, lines: spec.lines });
  }
  const browser: Browser = await launchChromium();
  try {
    for (const spec of pageSpecs()) {
      const shot = await screenshotPage(browser, spec.html, spec.width, spec.height);
      const file = path.join(dir, `${spec.name}.png`);
      await sharp(Buffer.from(shot.image.encoded.bytes)).toFile(file);
      images.push({ name: spec.name, categories: spec.categories, file, lines: shot.lines });
    }
  } finally {
    await browser.close();
  }
  return images;
}
