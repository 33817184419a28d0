// The dominant colours of a picture by median cut: the pixels are split, again and again, at the
// median of the box with the widest spread of one channel, and each box's mean is a colour of the
// palette, with the share of the pixels it stands for. Deterministic and small enough to run on a
// thumbnail in a few milliseconds.

/** Pixels more transparent than this are not part of the picture's colours. */
const MIN_ALPHA = 128;

/**
 * @param {{ width: number; height: number; rgba: Uint8Array }} pixels
 * @returns {{ hex: string; rgb: [number, number, number]; share: number }[]} most common first
 */
export function dominantColours(pixels, count = 5) {
  if (pixels.rgba.length !== pixels.width * pixels.height * 4) throw new RangeError(`expected ${pixels.width}×${pixels.height} RGBA pixels (${pixels.width * pixels.height * 4} bytes), got ${pixels.rgba.length} bytes`);
  const opaque = [];
  for (let offset = 0; offset < pixels.rgba.length; offset += 4) {
    if (pixels.rgba[offset + 3] >= MIN_ALPHA) opaque.push((pixels.rgba[offset] << 16) | (pixels.rgba[offset + 1] << 8) | pixels.rgba[offset + 2]);
  }
  if (opaque.length === 0) return [];
  const boxes = [opaque];
  while (boxes.length < count) {
    let widest = -1;
    let channel = 0;
    let spread = 0;
    boxes.forEach((box, index) => {
      for (let c = 0; c < 3; c++) {
        const range = channelRange(box, c);
        // A box of one colour cannot be split; among the rest, the widest spread goes first.
        if (range > spread) [widest, channel, spread] = [index, c, range];
      }
    });
    if (widest === -1) break;
    const box = boxes[widest].sort((a, b) => channelOf(a, channel) - channelOf(b, channel));
    // Split where the channel's value changes nearest the median, so equal colours stay together.
    let cut = box.length >> 1;
    while (cut > 0 && channelOf(box[cut - 1], channel) === channelOf(box[cut], channel)) cut--;
    if (cut === 0) {
      cut = box.length >> 1;
      while (cut < box.length && channelOf(box[cut - 1], channel) === channelOf(box[cut], channel)) cut++;
    }
    boxes.splice(widest, 1, box.slice(0, cut), box.slice(cut));
  }
  return boxes
    .map((box) => {
      const rgb = /** @type {[number, number, number]} */ ([0, 1, 2].map((c) => Math.round(box.reduce((sum, colour) => sum + channelOf(colour, c), 0) / box.length)));
      return { hex: toHex(rgb), rgb, share: box.length / opaque.length };
    })
    .sort((a, b) => b.share - a.share || a.hex.localeCompare(b.hex));
}

function channelOf(colour, channel) {
  return (colour >> (16 - channel * 8)) & 0xff;
}

function channelRange(box, channel) {
  let low = 255;
  let high = 0;
  for (const colour of box) {
    const value = channelOf(colour, channel);
    if (value < low) low = value;
    if (value > high) high = value;
  }
  return high - low;
}

export function toHex(rgb) {
  return `#${rgb.map((value) => value.toString(16).padStart(2, '0')).join('')}`;
}
