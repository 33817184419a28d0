// Gallery exporter: the chosen clips as one HTML page, or one Markdown file, with thumbnails
// inlined (read with blobs:read), so the file can be opened or sent on its own.
import { galleryHtml, galleryMarkdown } from './gallery.js';
import { thumbnailUrls } from './images.js';
import { definePlugin } from './lib/define-plugin.js';

/** @typedef {import('@clipshot/plugin-sdk').PluginModule} PluginModule */

/** @type {(format: 'html' | 'md') => NonNullable<PluginModule['exporters']>[string]} */
const exporter = (format) => async ({ clips }, host) => {
  const images = await thumbnailUrls(clips, host);
  const render = format === 'html' ? galleryHtml : galleryMarkdown;
  host.log('info', `exported ${clips.length} clips as ${format === 'html' ? 'HTML' : 'Markdown'} (${images.size} thumbnails inlined)`);
  return { fileName: `clipshot-gallery.${format}`, content: render(clips, images, { exportedAt: Date.now() }) };
};

export default definePlugin({
  exporters: {
    'clipshot.gallery-exporter.html': exporter('html'),
    'clipshot.gallery-exporter.markdown': exporter('md'),
  },
});
