// The gallery itself: one HTML page (or Markdown file) of the chosen clips, in the order given.
import { escapeHtml, escapeMarkdownInline, markdownCodeBlock } from './escape.js';

// The page may show its own inline styles and data: images, and nothing else: no script runs and
// nothing is fetched when it is opened, whatever the clips say.
const PAGE_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; }
  header p { color: GrayText; margin-top: 0; }
  .gallery { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
  figure { margin: 0; border: 1px solid color-mix(in srgb, CanvasText 15%, transparent); border-radius: 8px; overflow: hidden; }
  figure img { display: block; width: 100%; height: auto; background: color-mix(in srgb, CanvasText 6%, transparent); }
  figure pre { margin: 0; padding: 0.75rem; max-height: 16rem; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.85rem; }
  figcaption { padding: 0.75rem; }
  figcaption h2 { font-size: 1rem; margin: 0 0 0.25rem; overflow-wrap: anywhere; }
  .meta { color: GrayText; font-size: 0.8rem; margin: 0; }
  .notes { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.5rem 0 0; }
  .tags { display: flex; flex-wrap: wrap; gap: 0.25rem; list-style: none; margin: 0.5rem 0 0; padding: 0; }
  .tags li { border-radius: 999px; padding: 0.1rem 0.5rem; font-size: 0.75rem; background: color-mix(in srgb, CanvasText 10%, transparent); }
`;

/** "2024-03-05 14:07 UTC": the same wherever the file is opened. */
export function formatTime(ms) {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function titleOf(clip) {
  return clip.title.trim() || 'Untitled';
}

function metaOf(clip) {
  const parts = [formatTime(clip.capturedAt), clip.kind];
  if (clip.width && clip.height) parts.push(`${clip.width}×${clip.height}`);
  return parts;
}

function countText(count) {
  return `${count} ${count === 1 ? 'clip' : 'clips'}`;
}

/** `images`: data: URL by clip id (a clip without one shows its text only). */
export function galleryHtml(clips, images, { exportedAt }) {
  const figures = clips.map((clip) => {
    const title = escapeHtml(titleOf(clip));
    const image = images.get(clip.id);
    const size = clip.width && clip.height ? ` width="${Math.round(clip.width)}" height="${Math.round(clip.height)}"` : '';
    const body = image ? `<img src="${escapeHtml(image)}" alt="${title}"${size}>` : clip.kind === 'text' && clip.text !== null ? `<pre>${escapeHtml(clip.text)}</pre>` : '';
    const [time, ...rest] = metaOf(clip);
    const meta = `<time datetime="${new Date(clip.capturedAt).toISOString()}">${escapeHtml(time)}</time>${rest.map((part) => ` · ${escapeHtml(part)}`).join('')}`;
    const notes = clip.notes.trim() ? `\n      <p class="notes">${escapeHtml(clip.notes)}</p>` : '';
    const tags = clip.tags.length > 0 ? `\n      <ul class="tags" aria-label="Tags">${clip.tags.map((tag) => `<li>${escapeHtml(tag)}</li>`).join('')}</ul>` : '';
    return `  <figure class="clip" data-kind="${escapeHtml(clip.kind)}">
    ${body}
    <figcaption>
      <h2>${title}</h2>
      <p class="meta">${meta}</p>${notes}${tags}
    </figcaption>
  </figure>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${PAGE_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ClipShot gallery exporter">
<title>ClipShot gallery: ${countText(clips.length)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>ClipShot gallery</h1>
  <p>${countText(clips.length)}, exported ${escapeHtml(formatTime(exportedAt))}</p>
</header>
<main class="gallery">
${clips.length > 0 ? figures.join('\n') : '  <p>No clips were chosen.</p>'}
</main>
</body>
</html>
`;
}

export function galleryMarkdown(clips, images, { exportedAt }) {
  const sections = clips.map((clip) => {
    const title = escapeMarkdownInline(titleOf(clip));
    const lines = [`## ${title}`, ''];
    const image = images.get(clip.id);
    // The heading above names the picture; an escaped title as its description would come out
    // mangled in some renderers (markdown-it drops backslash-escaped characters from alt text).
    if (image) lines.push(`![Thumbnail](${image})`, '');
    else if (clip.kind === 'text' && clip.text !== null) lines.push(markdownCodeBlock(clip.text), '');
    lines.push(`*${metaOf(clip).map(escapeMarkdownInline).join(' · ')}*`, '');
    if (clip.notes.trim()) lines.push(escapeMarkdownInline(clip.notes), '');
    if (clip.tags.length > 0) lines.push(`Tags: ${clip.tags.map(escapeMarkdownInline).join(', ')}`, '');
    return lines.join('\n');
  });
  const header = `# ClipShot gallery\n\n${countText(clips.length)}, exported ${escapeMarkdownInline(formatTime(exportedAt))}\n\n`;
  return header + (clips.length > 0 ? sections.join('\n') : 'No clips were chosen.\n');
}
