// Markdown as VNodes, built from markdown-it's tokens rather than its HTML: raw HTML in a clip
// stays text, links go only to web and mail addresses, and images from elsewhere are not fetched
// (nothing leaves the device without the person asking): they show as a link instead.
import MarkdownIt, { type Token } from 'markdown-it';
import { h, type VNode } from 'vue';
import { highlightToNodes, isKnownLanguage } from './code-highlight.js';

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

type Child = VNode | string;

const BLOCK_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'em', 'strong', 's', 'a']);
const SAFE_LINK = /^(https?:|mailto:)/i;

export function markdownToNodes(source: string): Child[] {
  const tokens = markdown.parse(source, {});
  return build(tokens, 0, tokens.length);
}

/** Builds tokens [from, to) into nodes; an *_open token's children run to its matching *_close. */
function build(tokens: Token[], from: number, to: number): Child[] {
  const nodes: Child[] = [];
  for (let i = from; i < to; i++) {
    const token = tokens[i]!;
    if (token.nesting === 1) {
      const close = matchingClose(tokens, i, to);
      nodes.push(element(token, build(tokens, i + 1, close)));
      i = close;
      continue;
    }
    const leaf = leafNode(token);
    if (leaf !== null) nodes.push(...leaf);
  }
  return nodes;
}

function matchingClose(tokens: Token[], open: number, to: number): number {
  let depth = 0;
  for (let i = open; i < to; i++) {
    depth += tokens[i]!.nesting;
    if (depth === 0) return i;
  }
  return to - 1;
}

function element(token: Token, children: Child[]): VNode {
  const tag = BLOCK_TAGS.has(token.tag) ? token.tag : 'div';
  if (tag === 'a') {
    const href = token.attrGet('href') ?? '';
    return SAFE_LINK.test(href) ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, children) : h('span', children);
  }
  if (tag === 'ol') {
    const start = Number(token.attrGet('start') ?? 1);
    return h('ol', Number.isInteger(start) && start !== 1 ? { start } : {}, children);
  }
  if (tag === 'th' || tag === 'td') {
    const align = /text-align:(left|right|center)/.exec(token.attrGet('style') ?? '')?.[1];
    return h(tag, align ? { class: `align-${align}` } : {}, children);
  }
  // A tight list's paragraphs are hidden by markdown-it: their content goes straight in the item.
  if (tag === 'p' && token.hidden) return h('span', children);
  return h(tag, children);
}

function leafNode(token: Token): Child[] | null {
  switch (token.type) {
    case 'inline':
      return build(token.children ?? [], 0, token.children?.length ?? 0);
    case 'text':
      return [token.content];
    case 'softbreak':
      return ['\n'];
    case 'hardbreak':
      return [h('br')];
    case 'code_inline':
      return [h('code', token.content)];
    case 'fence':
    case 'code_block': {
      const language = token.info.trim().split(/\s+/, 1)[0]?.toLowerCase() ?? '';
      const code = token.content.replace(/\n$/, '');
      return [h('pre', { class: 'code-block' }, [h('code', language && isKnownLanguage(language) ? highlightToNodes(code, language) : [code])])];
    }
    case 'hr':
      return [h('hr')];
    case 'image': {
      const src = token.attrGet('src') ?? '';
      const alt = token.children?.map((child) => child.content).join('') || 'image';
      return [SAFE_LINK.test(src) ? h('a', { href: src, target: '_blank', rel: 'noopener noreferrer', class: 'image-link' }, `🖼 ${alt}`) : `🖼 ${alt}`];
    }
    case 'html_block':
    case 'html_inline':
      return [token.content];
    default:
      return token.content ? [token.content] : null;
  }
}
