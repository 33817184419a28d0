// The detector's input, as PaddleOCR's DetResizeForTest + NormalizeImage + ToCHWImage: the image
// scaled so its sides fit the limit and are multiples of 32, ImageNet mean/std, planar. PaddleOCR
// reads images with OpenCV, so the models were trained on BGR: plane 0 is blue.

import type { RgbImage } from './image-checks.js';

export type LimitType = 'max' | 'min';

export interface DetectionSize {
  readonly width: number;
  readonly height: number;
}

// ImageNet statistics in PaddleOCR's order, applied to planes B, G, R.
const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;

/**
 * 'max' shrinks an image whose longer side exceeds the limit; 'min' enlarges one whose shorter side
 * is below it. Either way each side is then rounded to a multiple of 32 (the network's stride).
 */
export function detectionSize(width: number, height: number, limitSideLen: number, limitType: LimitType): DetectionSize {
  let ratio = 1;
  if (limitType === 'max' && Math.max(width, height) > limitSideLen) ratio = limitSideLen / Math.max(width, height);
  if (limitType === 'min' && Math.min(width, height) < limitSideLen) ratio = limitSideLen / Math.min(width, height);
  const round32 = (side: number) => Math.max(roundHalfEven(Math.trunc(side * ratio) / 32) * 32, 32);
  return { width: round32(width), height: round32(height) };
}

/** Python's round(), which PaddleOCR uses: halves go to the even neighbour (22.5 → 22). */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Bilinear resize (OpenCV's pixel-centre convention) and normalisation in one pass, NCHW float32. */
export function detectionTensor(image: RgbImage, size: DetectionSize): Float32Array {
  const { width: outW, height: outH } = size;
  const { width: inW, height: inH, rgb } = image;
  const plane = outW * outH;
  const out = new Float32Array(3 * plane);
  const xs = axisTaps(inW, outW);
  const ys = axisTaps(inH, outH);
  // Scale and offset per channel so the inner loop is one multiply-add: (v/255 - mean)/std.
  const scale = STD.map((s) => 1 / (255 * s));
  const offset = MEAN.map((m, i) => -m / STD[i]!);
  for (let y = 0; y < outH; y++) {
    const rowA = ys.low[y]! * inW * 3;
    const rowB = ys.high[y]! * inW * 3;
    const fy = ys.weight[y]!;
    for (let x = 0; x < outW; x++) {
      const colA = xs.low[x]! * 3;
      const colB = xs.high[x]! * 3;
      const fx = xs.weight[x]!;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const at = y * outW + x;
      for (let c = 0; c < 3; c++) {
        const v = rgb[rowA + colA + c]! * w00 + rgb[rowA + colB + c]! * w01 + rgb[rowB + colA + c]! * w10 + rgb[rowB + colB + c]! * w11;
        // RGB channel c goes to plane 2 - c (BGR).
        const p = 2 - c;
        out[p * plane + at] = v * scale[p]! + offset[p]!;
      }
    }
  }
  return out;
}

interface AxisTaps {
  low: Int32Array;
  high: Int32Array;
  weight: Float32Array;
}

function axisTaps(inSize: number, outSize: number): AxisTaps {
  const low = new Int32Array(outSize);
  const high = new Int32Array(outSize);
  const weight = new Float32Array(outSize);
  const ratio = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const source = Math.min(Math.max((i + 0.5) * ratio - 0.5, 0), inSize - 1);
    const base = Math.floor(source);
    low[i] = base;
    high[i] = Math.min(base + 1, inSize - 1);
    weight[i] = source - base;
  }
  return { low, high, weight };
}
