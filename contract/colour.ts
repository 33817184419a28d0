// Colours as themes write them (#rgb, #rgba, #rrggbb, #rrggbbaa) and the WCAG contrast between two.

const HEX_COLOUR = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

export function isHexColour(value: unknown): value is string {
  return typeof value === 'string' && HEX_COLOUR.test(value);
}

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** The colour's red, green and blue (0–255), alpha ignored; null for anything that is not a hex colour. */
export function parseHexColour(value: string): Rgb | null {
  if (!isHexColour(value)) return null;
  let digits = value.slice(1);
  if (digits.length <= 4) digits = [...digits].map((digit) => digit + digit).join('');
  return { r: parseInt(digits.slice(0, 2), 16), g: parseInt(digits.slice(2, 4), 16), b: parseInt(digits.slice(4, 6), 16) };
}

/** "rgb(246, 247, 249)" or "rgb(246 247 249 / 0.5)" as getComputedStyle reports a colour. */
export function parseRgbFunction(value: string): Rgb | null {
  const match = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/.exec(value.trim());
  return match ? { r: Number(match[1]), g: Number(match[2]), b: Number(match[3]) } : null;
}

export function toHexColour({ r, g, b }: Rgb): string {
  return `#${[r, g, b].map((channel) => Math.round(channel).toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG 2 relative luminance, 0 (black) to 1 (white). */
export function relativeLuminance({ r, g, b }: Rgb): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG 2 contrast ratio, 1 to 21. Text wants at least 4.5, large text and controls 3. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

const BLACK: Rgb = { r: 0, g: 0, b: 0 };
const WHITE: Rgb = { r: 255, g: 255, b: 255 };

/** Black or white, whichever reads better on `background` (at least 4.58:1 on any colour). */
export function readableTextOn(background: Rgb): { colour: string; ratio: number } {
  const onBlack = contrastRatio(background, BLACK);
  const onWhite = contrastRatio(background, WHITE);
  return onBlack >= onWhite ? { colour: '#000000', ratio: onBlack } : { colour: '#ffffff', ratio: onWhite };
}
