// Syntax highlighting with highlight.js's core and the languages snippets are usually in (the full
// bundle is ten times the size). Its output is turned into VNodes through an allowlist, never
// inserted as HTML.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { h, type VNode } from 'vue';

const LANGUAGES = { bash, c, cpp, csharp, css, diff, dockerfile, go, ini, java, javascript, json, kotlin, markdown, php, python, ruby, rust, sql, swift, typescript, xml, yaml };
for (const [name, definition] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, definition);

/** The languages a person can pick, with the names they know them by. */
export const CODE_LANGUAGES: readonly { id: string; label: string }[] = [
  { id: 'bash', label: 'Shell' },
  { id: 'c', label: 'C' },
  { id: 'cpp', label: 'C++' },
  { id: 'csharp', label: 'C#' },
  { id: 'css', label: 'CSS' },
  { id: 'diff', label: 'Diff' },
  { id: 'dockerfile', label: 'Dockerfile' },
  { id: 'go', label: 'Go' },
  { id: 'ini', label: 'INI / TOML' },
  { id: 'java', label: 'Java' },
  { id: 'javascript', label: 'JavaScript' },
  { id: 'json', label: 'JSON' },
  { id: 'kotlin', label: 'Kotlin' },
  { id: 'php', label: 'PHP' },
  { id: 'python', label: 'Python' },
  { id: 'ruby', label: 'Ruby' },
  { id: 'rust', label: 'Rust' },
  { id: 'sql', label: 'SQL' },
  { id: 'swift', label: 'Swift' },
  { id: 'typescript', label: 'TypeScript' },
  { id: 'xml', label: 'HTML / XML' },
  { id: 'yaml', label: 'YAML' },
];

const AUTO_LANGUAGES = CODE_LANGUAGES.map((language) => language.id);
/** Detection reads this much of the start: enough to tell, cheap on a long text. */
const DETECT_CHARS = 8_000;
/** Beyond this, highlighting would stall the window; the text is shown plain. */
export const MAX_HIGHLIGHT_CHARS = 200_000;
/** highlight.js's relevance below which a guess is no better than noise for prose. */
const MIN_RELEVANCE = 6;

/**
 * Tell-tale lines of the languages snippets are most often in, tried first: highlight.js's own
 * guess is unreliable on a few lines (a JavaScript one-liner scores as C#).
 */
const SIGNATURES: readonly [language: string, sign: RegExp][] = [
  ['typescript', /^\s*(interface|type) \w+.*[{=]|\b(const|let|function)\b.*:\s*(string|number|boolean)\b/m],
  ['javascript', /^\s*(const|let|var) \w+\s*=|\bfunction\s*\w*\s*\(|=>\s*[{(\w]|^\s*(import .* from|export (default|const|function))\b/m],
  ['python', /^\s*(def|class) \w+.*:\s*$|^\s*(from \w+(\.\w+)* )?import \w+(, \w+)*\s*$/m],
  ['rust', /\bfn \w+\s*(<[^>]*>)?\(|\blet mut \w+|\bprintln!\(|^\s*use \w+::/m],
  ['go', /^\s*package \w+\s*$|\bfunc (\(\w+ \*?\w+\) )?\w+\(/m],
  ['sql', /^\s*(SELECT .+ FROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE (TABLE|INDEX))\b/im],
  ['bash', /^#!\/(usr\/)?bin\/(env )?(ba|z)?sh|^\s*\$ \w|^\s*(sudo|apt(-get)?|npm|npx|git|cd|export) \S/m],
  ['xml', /^\s*<(!doctype html|html|\?xml|svg|div|template)\b/im],
  // Every pattern here runs in linear time: no nested repetition (a prose line must never stall the window).
  ['css', /^\s*[.#]?[\w-]+[^{};\n]*\{\s*$|^\s*[\w-]+\s*:\s*[^;\n]+;\s*$/m],
];

export function isKnownLanguage(language: string): boolean {
  return hljs.getLanguage(language) !== undefined;
}

/** The most likely language of a snippet, or null when it does not look like code. */
export function detectLanguage(text: string): string | null {
  const sample = text.slice(0, DETECT_CHARS);
  if (isJson(sample.trim())) return 'json';
  for (const [language, sign] of SIGNATURES) if (sign.test(sample)) return language;
  if (!/[{}();=<>[\]]/.test(sample)) return null;
  const guess = hljs.highlightAuto(sample, AUTO_LANGUAGES);
  return guess.language && guess.relevance >= MIN_RELEVANCE ? guess.language : null;
}

function isJson(text: string): boolean {
  if (!/^[{[]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The code as VNodes: highlight.js's spans (by class) and text, nothing else. */
export function highlightToNodes(code: string, language: string): (VNode | string)[] {
  if (code.length > MAX_HIGHLIGHT_CHARS || !isKnownLanguage(language)) return [code];
  const html = hljs.highlight(code, { language, ignoreIllegals: true }).value;
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  return toNodes(parsed.body);
}

function toNodes(parent: Node): (VNode | string)[] {
  const nodes: (VNode | string)[] = [];
  for (const child of Array.from(parent.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) nodes.push(child.textContent ?? '');
    else if (child instanceof Element && child.tagName === 'SPAN') {
      const classes = Array.from(child.classList).filter((name) => /^hljs-[\w-]+$|^_+$/.test(name));
      nodes.push(h('span', { class: classes }, toNodes(child)));
    } else nodes.push(child.textContent ?? '');
  }
  return nodes;
}
