// How a text clip is shown: as Markdown, as code in a language, or as plain text. Chosen by the
// person (kept in the clip's detail document), else guessed from its file name and its text.
import { detectLanguage, isKnownLanguage } from './code-highlight.js';

export type TextFormat = { kind: 'plain' } | { kind: 'markdown' } | { kind: 'code'; language: string };

const LANGUAGE_OF_EXTENSION: Record<string, string> = {
  sh: 'bash', bash: 'bash', zsh: 'bash', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', hpp: 'cpp', cs: 'csharp', css: 'css',
  diff: 'diff', patch: 'diff', go: 'go', ini: 'ini', toml: 'ini', cfg: 'ini', java: 'java', js: 'javascript',
  mjs: 'javascript', cjs: 'javascript', jsx: 'javascript', json: 'json', kt: 'kotlin', php: 'php', py: 'python',
  rb: 'ruby', rs: 'rust', sql: 'sql', swift: 'swift', ts: 'typescript', tsx: 'typescript', mts: 'typescript',
  html: 'xml', htm: 'xml', xml: 'xml', svg: 'xml', vue: 'xml', yml: 'yaml', yaml: 'yaml',
};

/** The stored choice ("plain", "markdown", "code:python") read back; null for none or one this version does not know. */
export function parseTextFormat(stored: string | null): TextFormat | null {
  if (stored === 'plain' || stored === 'markdown') return { kind: stored };
  const language = /^code:([\w-]{1,40})$/.exec(stored ?? '')?.[1];
  return language && isKnownLanguage(language) ? { kind: 'code', language } : null;
}

export function formatToStored(format: TextFormat): string {
  return format.kind === 'code' ? `code:${format.language}` : format.kind;
}

export function guessTextFormat(sourceName: string, text: string): TextFormat {
  const extension = /\.([a-z0-9]+)$/i.exec(sourceName)?.[1]?.toLowerCase() ?? '';
  if (extension === 'md' || extension === 'markdown') return { kind: 'markdown' };
  const byName = LANGUAGE_OF_EXTENSION[extension];
  if (byName) return { kind: 'code', language: byName };
  if (extension === 'txt') return looksLikeMarkdown(text) ? { kind: 'markdown' } : { kind: 'plain' };
  if (looksLikeMarkdown(text)) return { kind: 'markdown' };
  const language = detectLanguage(text);
  return language ? { kind: 'code', language } : { kind: 'plain' };
}

/** Two or more lines of Markdown structure (headings, lists, fences, links, emphasis). */
export function looksLikeMarkdown(text: string): boolean {
  const sample = text.slice(0, 8_000);
  const signs = [/^#{1,6} \S/m, /^\s*[-*+] \S/m, /^\s*\d+\. \S/m, /^```/m, /\[[^\]]+\]\([^)]+\)/, /\*\*[^*]+\*\*/, /^> \S/m, /^\|.+\|$/m];
  return signs.filter((sign) => sign.test(sample)).length >= 2;
}
