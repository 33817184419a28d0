// Clip text (titles, notes, tags, a text clip's text) is anyone's: it goes into the page only
// escaped, so that none of it can become markup.

const HTML_ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content or a quoted attribute value. Control characters (never meant as text) become U+FFFD. */
export function escapeHtml(text) {
  return withoutControls(text).replace(/[&<>"']/g, (character) => HTML_ENTITIES[character]);
}

/**
 * Text for a Markdown paragraph, heading or image description: every ASCII punctuation character is
 * backslash-escaped (CommonMark lets any of them be), so none starts emphasis, a link, a heading,
 * a list or inline HTML; line breaks become spaces (a line break could start a block).
 */
export function escapeMarkdownInline(text) {
  return withoutControls(text)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** A fenced code block that no line of `text` can close: the fence is longer than any run of backticks in it. */
export function markdownCodeBlock(text) {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${withoutControls(text).replace(/\r\n?/g, '\n')}\n${fence}`;
}

function withoutControls(text) {
  // eslint-disable-next-line no-control-regex -- the point is to find them
  return String(text).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
}
