// Laying the rendered annotation layers over the picture, as SVG and CSS compositing do: each
// layer source-over, after blending (normal or multiply) with what is under it. Done here rather
// than by libvips: on a 4K picture its general compositor takes about four times as long.

export type BlendMode = 'normal' | 'multiply';

export interface Pixels {
  /** Interleaved 8-bit channels, modified in place. */
  data: Uint8Array;
  /** 3 (RGB) or 4 (RGBA, not premultiplied). */
  channels: 3 | 4;
}

/** Lays one RGBA layer (not premultiplied, the picture's size) over the picture, in place. */
export function compositeLayer(picture: Pixels, layer: Uint8Array, mode: BlendMode): void {
  const count = layer.length / 4;
  if (picture.data.length !== count * picture.channels) throw new RangeError('the layer and the picture differ in size');
  const multiply = mode === 'multiply';
  const opaque = picture.channels === 3;
  if (opaque) {
    compositeOverOpaque(picture.data, layer, count, multiply);
    return;
  }
  for (let pixel = 0; pixel < count; pixel++) {
    const at = pixel * 4;
    const alpha = layer[at + 3]!;
    if (alpha === 0) continue;
    const as = alpha / 255;
    const to = pixel * picture.channels;
    const ab = opaque ? 1 : picture.data[to + 3]! / 255;
    const ao = as + ab * (1 - as);
    for (let channel = 0; channel < 3; channel++) {
      const cs = layer[at + channel]! / 255;
      const cb = picture.data[to + channel]! / 255;
      // The blend sees the backdrop only as far as the backdrop is there (W3C Compositing, 5.3).
      const blended = multiply ? (1 - ab) * cs + ab * cs * cb : cs;
      const premultiplied = as * blended + ab * cb * (1 - as);
      picture.data[to + channel] = Math.round((ao === 0 ? 0 : premultiplied / ao) * 255);
    }
    if (!opaque) picture.data[to + 3] = Math.round(ao * 255);
  }
}

/** The common case, an opaque picture: the same formulas with the backdrop's alpha at 1, in integers. */
function compositeOverOpaque(data: Uint8Array, layer: Uint8Array, count: number, multiply: boolean): void {
  for (let at = 0, to = 0, end = count * 4; at < end; at += 4, to += 3) {
    const alpha = layer[at + 3]!;
    if (alpha === 0) continue;
    const rest = 255 - alpha;
    const r = data[to]!;
    const g = data[to + 1]!;
    const b = data[to + 2]!;
    const sr = multiply ? div255(layer[at]! * r) : layer[at]!;
    const sg = multiply ? div255(layer[at + 1]! * g) : layer[at + 1]!;
    const sb = multiply ? div255(layer[at + 2]! * b) : layer[at + 2]!;
    data[to] = div255(sr * alpha + r * rest);
    data[to + 1] = div255(sg * alpha + g * rest);
    data[to + 2] = div255(sb * alpha + b * rest);
  }
}

/** x / 255, rounded, for 0 ≤ x ≤ 255 × 255, without a division. */
function div255(x: number): number {
  const rounded = x + 128;
  return (rounded + (rounded >> 8)) >> 8;
}
