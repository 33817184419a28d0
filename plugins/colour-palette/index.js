// Colour palette: the dominant colours of an image or video clip's thumbnail (as ClipShot shows
// it, edits included), suggested as colour-name tags. A plugin has no image codecs (thumbnails
// are WebP), so the pixels come decoded from ClipShot through blobs.readPixels (blobs:read).
import { colourName } from './colour-names.js';
import { definePlugin } from './lib/define-plugin.js';
import { dominantColours } from './palette.js';

/** A colour must cover this much of the picture to be suggested as a tag. */
const TAG_SHARE = 0.15;
const MAX_TAGS = 3;
/** Enough pixels for a palette; decoding and sorting more would only cost time. */
const SAMPLE_SIDE = 64;

/** @param {{ clip: import('@clipshot/plugin-sdk').PluginClip }} input @param {import('@clipshot/plugin-sdk').PluginHostApi} host */
export async function analyse({ clip }, host) {
  if (!clip.thumb) return { tags: [], facts: {} };
  const palette = dominantColours(await host.blobs.readPixels(clip.thumb, { maxSide: SAMPLE_SIDE }), 5);
  const tags = [];
  for (const colour of palette) {
    const name = colourName(colour.rgb);
    if (colour.share >= TAG_SHARE && !tags.includes(name) && tags.length < MAX_TAGS) tags.push(name);
  }
  return {
    tags,
    facts: palette.length === 0 ? {} : { palette: palette.map((colour) => colour.hex), shares: palette.map((colour) => `${Math.round(colour.share * 100)}%`), dominant: palette[0].hex },
  };
}

export default definePlugin({
  analyzers: { 'clipshot.colour-palette.palette': analyse },
});
