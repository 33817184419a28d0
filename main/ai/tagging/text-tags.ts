// Tags that need no image model: the kind of content the recognised text comes from, the web
// sites it names, its language, and what the file name and size say.
//
// Tag conventions (shared with the CLIP vocabulary, so two sources agree on a name):
//   code, terminal, chat, document, receipt, ui-screenshot   kind of content       source 'text'
//   domain:<host>         a site named in the text, e.g. domain:github.com        source 'text'
//   lang:<ISO 639-1>      the text's language, e.g. lang:de (none when unsure)   source 'text'
//   screenshot, photo     from the file name and the image's size                source 'metadata'
import type { SuggestedTag } from '../../../contract/analysis.js';
import { MAX_TAG_CHARS } from '../../../contract/clip-rules.js';
import type { TagContext } from '../ai-provider.js';
import { isScreenSized, scoreContentKinds, type ImageFacts } from './content-kind.js';
import { findDomains } from './domains.js';
import { detectLanguage } from './language.js';

export const DOMAIN_TAG_PREFIX = 'domain:';
export const LANGUAGE_TAG_PREFIX = 'lang:';

export interface TextTagOptions {
  /** A content kind is suggested at this score or above. Default 0.5. */
  readonly minKindScore?: number;
  /** At most this many domain tags (URLs first, then the most mentioned). Default 3. */
  readonly maxDomains?: number;
  /** A language is suggested at this confidence or above. Default 0.5. */
  readonly minLanguageConfidence?: number;
}

/** A URL with a scheme, or www., is an address for certain; a bare dotted name may be something else. */
const DOMAIN_SCORE = { url: 0.95, bare: 0.8 };

/** What screenshot tools and phones name their files, in the languages they ship in. */
const SCREENSHOT_NAME =
  /(screen ?shot|screen capture|bildschirmfoto|capture d.écran|captura de pantalla|schermata|schermafbeelding|schermopname|снимок экрана|скриншот|スクリーンショット|截屏|截图|屏幕截图|cleanshot|greenshot|flameshot|snagit|^scrot)/i;
/** What cameras and phone camera apps name their files. */
const CAMERA_NAME = /^(img|dsc|dscn|dscf|pxl|mvimg|p\d{7}|dji)[_-]?\d{3,}/i;

/** Suggested tags from the text recognised in a clip (or a text clip's text) and its metadata, best first. */
export function textTags(context: TagContext, image: ImageFacts | null, options: TextTagOptions = {}): SuggestedTag[] {
  const tags: SuggestedTag[] = [];
  const text = context.recognisedText;

  const minKind = options.minKindScore ?? 0.5;
  for (const { kind, score } of scoreContentKinds(text, image ?? undefined)) {
    if (score >= minKind) tags.push({ tag: kind, score, source: 'text' });
  }

  for (const { domain, fromUrl } of findDomains(text).slice(0, options.maxDomains ?? 3)) {
    const tag = `${DOMAIN_TAG_PREFIX}${domain}`;
    if (tag.length <= MAX_TAG_CHARS) tags.push({ tag, score: fromUrl ? DOMAIN_SCORE.url : DOMAIN_SCORE.bare, source: 'text' });
  }

  const { language, confidence } = detectLanguage(text);
  if (language !== 'und' && confidence >= (options.minLanguageConfidence ?? 0.5)) {
    tags.push({ tag: `${LANGUAGE_TAG_PREFIX}${language}`, score: confidence, source: 'text' });
  }

  tags.push(...metadataTags(context, image));
  return tags.sort((a, b) => b.score - a.score);
}

function metadataTags(context: TagContext, image: ImageFacts | null): SuggestedTag[] {
  const name = baseName(context.sourceName);
  const isImage = context.kind === 'image';
  const namedScreenshot = SCREENSHOT_NAME.test(name);
  const screenSized = isImage && image !== null && isScreenSized(image);
  const tags: SuggestedTag[] = [];
  if (namedScreenshot || screenSized) {
    // Either alone is good evidence; both together nearly certain.
    const score = namedScreenshot && screenSized ? 0.95 : namedScreenshot ? 0.9 : 0.6;
    tags.push({ tag: 'screenshot', score, source: 'metadata' });
  } else if (isImage && CAMERA_NAME.test(name)) {
    tags.push({ tag: 'photo', score: 0.7, source: 'metadata' });
  }
  return tags;
}

function baseName(sourceName: string): string {
  return sourceName.slice(Math.max(sourceName.lastIndexOf('/'), sourceName.lastIndexOf('\\')) + 1);
}
