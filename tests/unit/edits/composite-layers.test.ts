// Compositing a rendered layer over the picture, checked against the W3C compositing formulas.
import { describe, expect, it } from 'vitest';
import { compositeLayer } from '../../../main/library/render/composite-layers.js';

const layer = (...pixels: number[][]) => Uint8Array.from(pixels.flat());

describe('compositing a layer over the picture', () => {
  it('normal: opaque covers, transparent leaves alone, half mixes', () => {
    const picture = { data: Uint8Array.from([100, 100, 100, 100, 100, 100, 100, 100, 100]), channels: 3 as const };
    compositeLayer(picture, layer([200, 0, 50, 255], [200, 0, 50, 0], [200, 0, 50, 128]), 'normal');
    expect([...picture.data]).toEqual([200, 0, 50, 100, 100, 100, 150, 50, 75]);
  });

  it('multiply: the product where opaque, part of it where translucent', () => {
    const picture = { data: Uint8Array.from([255, 128, 0, 200, 200, 200]), channels: 3 as const };
    compositeLayer(picture, layer([255, 230, 0, 255], [255, 230, 0, 128]), 'multiply');
    expect([...picture.data]).toEqual([255, 115, 0, 200, 190, 100]);
  });

  it('over a transparent picture a layer keeps its own colour and gives its alpha', () => {
    const picture = { data: Uint8Array.from([10, 20, 30, 0, 10, 20, 30, 255]), channels: 4 as const };
    compositeLayer(picture, layer([255, 230, 0, 128], [0, 0, 255, 255]), 'multiply');
    expect([...picture.data]).toEqual([255, 230, 0, 128, 0, 0, 30, 255]);
  });

  it('refuses a layer of another size', () => {
    expect(() => compositeLayer({ data: new Uint8Array(6), channels: 3 }, new Uint8Array(4), 'normal')).toThrow(/differ in size/);
  });
});
