// What kind of content recognised text comes from (code, terminal, chat, document, receipt, a UI
// screenshot), by counting plain signals line by line. Every kind gives its score with the
// reasons behind it, so a surprising tag can be traced to the lines that caused it.

export const CONTENT_KINDS = ['code', 'terminal', 'chat', 'document', 'receipt', 'ui-screenshot'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

export interface KindScore {
  readonly kind: ContentKind;
  /** 0..1. */
  readonly score: number;
  /** What was counted, e.g. "7 of 9 lines look like code". */
  readonly reasons: readonly string[];
}

export interface ImageFacts {
  readonly width: number;
  readonly height: number;
}

const MAX_LINES = 2000;

// --- code: the share of lines that look like code -------------------------------------------------
const CODE_LINE = [
  /[;{}]\s*$/,
  /^\s*(import|export|from|def|class|function|fn|func|const|let|var|return|if|elif|else|for|while|switch|case|public|private|protected|static|package|using|namespace|#include|#define|struct|enum|interface|type|async|await|try|catch|throw|lambda|yield)\b/,
  /\w\([^()]*\)\s*[{:;]?\s*$/,
  /(=>|===|!==|::|->|\+=|&&|\|\||\)\s*\{)/,
  /^\s*(\/\/|\/\*|\*\/|#!|<!--)/,
  /<\/?[a-z][\w-]*(\s[^>]*)?>/i,
];

// --- terminal: prompts, commands, and the errors shells print ------------------------------------
const PROMPT_LINE = [/^(\$|%|>|❯|➜|λ)\s+\S/, /^[\w.-]+@[\w.-]+(:\S*)?\s?[$#%]\s?/, /^PS [A-Z]:\\[^>]*>/, /^[A-Z]:\\[^>]*>/];
const COMMAND_LINE =
  /^(sudo|npm|npx|yarn|pnpm|git|cd|ls|cat|grep|docker|kubectl|pip3?|python3?|node|cargo|go|make|ssh|curl|wget|apt(-get)?|brew|echo|export|chmod|mkdir|rm|mv|cp|tail|top|ps|kill)\s/;
const SHELL_OUTPUT =
  /(command not found|permission denied|no such file or directory|exit code \d|traceback \(most recent call last\)|npm err!|error\[e\d+\]|^fatal:|segmentation fault|^[d-][rwx-]{9}\s)/i;

// --- chat: message times without seconds, day markers, composer and status phrases --------------
const CHAT_TIME = /(^|\s)([01]?\d|2[0-3])[:.][0-5]\d(\s?[ap]\.?m\.?)?(\s|$)/i;
const LOG_LINE = /\d[:.]\d\d[:.]\d\d|\b(INFO|WARN|WARNING|ERROR|DEBUG|TRACE)\b/;
const DAY_MARKER = /^(today|yesterday|heute|gestern|aujourd'hui|hier|hoy|ayer|oggi|ieri|hoje|ontem|vandaag|gisteren|сегодня|вчера)$/i;
const CHAT_PHRASES =
  /(type a message|write a message|send a message|message #|reply in thread|is typing|typing…|typing\.\.\.|last seen|delivered|\bseen\b|nachricht schreiben|écrire un message|escribe un mensaje|scrivi un messaggio|\bonline\b|\bunread\b)/i;

// --- receipt: amounts and the words tills print ---------------------------------------------------
const AMOUNT = /([€$£¥]\s?\d[\d.,]*\d|\d[\d.,]*[.,]\d{2}\s?(€|eur|usd|gbp|chf|\$)?(\s|$))/i;
const RECEIPT_WORDS =
  /\b(total|subtotal|sub-total|tax|vat|mwst|ust|summe|gesamt|zwischensumme|betrag|change|cash|card|visa|mastercard|receipt|quittung|kassenbon|beleg|invoice|rechnung|tip|amount due|balance due|qty|tva|iva|totale|importe|netto|brutto|ticket de caisse|reçu|recibo|scontrino)\b/gi;

// --- ui-screenshot: the words on menus and buttons, short lines, a screen-sized image -------------
const UI_WORDS =
  /^(file|edit|view|window|help|tools|settings|preferences|cancel|ok|save|search|sign in|sign up|log in|login|log out|submit|close|menu|home|profile|notifications|back|next|share|download|upload|delete|apply|account|dashboard|options|continue|learn more|get started|explore|inbox|messages|datei|bearbeiten|ansicht|hilfe|einstellungen|abbrechen|speichern|suchen|fichier|édition|affichage|aide|annuler|enregistrer|archivo|editar|ver|ayuda|guardar|buscar)$/i;

/** Sizes screens have (and what screenshots of them measure), landscape; a portrait image is turned. */
const SCREEN_SIZES = new Set(
  ['1280x720', '1280x800', '1366x768', '1440x900', '1536x864', '1600x900', '1680x1050', '1920x1080', '1920x1200', '2048x1152', '2560x1080', '2560x1440', '2560x1600', '2880x1800', '3024x1964', '3456x2234', '3440x1440', '3840x2160', '5120x2880', '2532x1170', '2556x1179', '2796x1290', '2778x1284', '2340x1080', '2400x1080', '3200x1440', '2960x1440', '2048x1536', '2732x2048', '2388x1668', '2360x1640'],
);

export function isScreenSized(image: ImageFacts): boolean {
  const long = Math.max(image.width, image.height);
  const short = Math.min(image.width, image.height);
  return SCREEN_SIZES.has(`${long}x${short}`);
}

/** Every kind's score for the text (and, for ui-screenshot, the image's size), best first. */
export function scoreContentKinds(text: string, image?: ImageFacts): KindScore[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .slice(0, MAX_LINES);
  if (lines.length === 0) return [];
  const n = lines.length;
  const count = (test: (line: string) => boolean): number => lines.filter(test).length;
  /** A share of lines counts for less when there are few lines: one line proves little. */
  const fewLinesDiscount = n / (n + 1);
  /** Points of evidence to a score: `half` points give 0.5. */
  const saturate = (points: number, half: number): number => points / (points + half);

  const scores: KindScore[] = [];

  const codeLines = count((line) => CODE_LINE.some((re) => re.test(line)));
  scores.push({ kind: 'code', score: Math.min(1, 1.25 * (codeLines / n)) * fewLinesDiscount, reasons: [`${codeLines} of ${n} lines look like code`] });

  const prompts = count((line) => PROMPT_LINE.some((re) => re.test(line)));
  const commands = count((line) => COMMAND_LINE.test(line));
  const shellOutput = count((line) => SHELL_OUTPUT.test(line));
  scores.push({
    kind: 'terminal',
    score: saturate(2 * prompts + commands + shellOutput, 2),
    reasons: [`${prompts} shell prompts`, `${commands} lines start with a command`, `${shellOutput} lines of typical shell output`],
  });

  const times = count((line) => line.length <= 80 && CHAT_TIME.test(line) && !LOG_LINE.test(line));
  const days = count((line) => DAY_MARKER.test(line));
  const phrases = count((line) => CHAT_PHRASES.test(line));
  scores.push({
    kind: 'chat',
    score: saturate(times + days + 2 * phrases, 4),
    reasons: [`${times} short lines with a message time`, `${days} day markers`, `${phrases} chat phrases`],
  });

  const words = lines.reduce((sum, line) => sum + (line.match(/\p{L}+/gu) ?? []).length, 0);
  const prose = count(isProse);
  scores.push({
    kind: 'document',
    score: Math.min(1, 1.2 * (prose / n)) * saturate(words, 30),
    reasons: [`${prose} of ${n} lines are prose`, `${words} words`],
  });

  const amounts = count((line) => AMOUNT.test(line));
  const receiptWords = new Set(lines.flatMap((line) => (line.match(RECEIPT_WORDS) ?? []).map((w) => w.toLowerCase())));
  const receiptPoints = 0.5 * Math.min(amounts, 10) + 2 * Math.min(receiptWords.size, 4);
  // Columns of numbers alone are a spreadsheet as often as a receipt, and the words alone are
  // prose about money: a receipt needs both, and at least three amounts for full marks.
  const receiptScore = saturate(receiptPoints, 4) * (receiptWords.size > 0 ? 1 : 0.5) * Math.min(1, amounts / 3);
  scores.push({
    kind: 'receipt',
    score: receiptScore,
    reasons: [`${amounts} lines with an amount`, `receipt words: ${[...receiptWords].join(', ') || 'none'}`],
  });

  const uiWords = new Set(lines.filter((line) => UI_WORDS.test(line)).map((line) => line.toLowerCase()));
  const shortLines = count((line) => (line.match(/\S+/g) ?? []).length <= 3);
  const screen = image !== undefined && isScreenSized(image);
  const uiPoints = 0.75 * Math.min(uiWords.size, 6) + 2 * (shortLines / n) * fewLinesDiscount + (screen ? 2 : 0);
  scores.push({
    kind: 'ui-screenshot',
    score: saturate(uiPoints, 4),
    reasons: [`interface words: ${[...uiWords].join(', ') || 'none'}`, `${shortLines} of ${n} lines have at most three words`, screen ? 'the image has a screen’s size' : 'the image is not screen-sized'],
  });

  return scores.map((s) => ({ ...s, score: Math.round(s.score * 1000) / 1000 })).sort((a, b) => b.score - a.score);
}

/** A line of running text: several words, mostly letters. */
function isProse(line: string): boolean {
  const words = line.match(/\p{L}+/gu) ?? [];
  if (words.length < 5) return false;
  const visible = line.replace(/\s/g, '');
  const letters = (visible.match(/\p{L}/gu) ?? []).length;
  return letters / visible.length >= 0.75;
}
