// A colour's everyday name ("blue", "brown", "grey"), from its hue, saturation and lightness: the
// names people search their clips by, not a designer's swatch list.

/** @param {[number, number, number]} rgb 0..255 */
export function colourName(rgb) {
  const [h, s, l] = toHsl(rgb);
  if (l < 0.12) return 'black';
  if (l > 0.93) return 'white';
  if (s < 0.15 || (s < 0.25 && (l < 0.2 || l > 0.85))) return l > 0.8 ? 'white' : l < 0.2 ? 'black' : 'grey';
  if (h < 15 || h >= 345) return l > 0.75 ? 'pink' : l < 0.3 ? 'brown' : 'red';
  if (h < 45) return l < 0.4 ? 'brown' : 'orange';
  if (h < 70) return l < 0.3 ? 'brown' : 'yellow';
  if (h < 165) return 'green';
  if (h < 195) return 'cyan';
  if (h < 255) return 'blue';
  if (h < 290) return 'purple';
  return l > 0.6 ? 'pink' : 'purple';
}

/** Hue in degrees, saturation and lightness 0..1. */
export function toHsl([r, g, b]) {
  const [red, green, blue] = [r / 255, g / 255, b / 255];
  const max = Math.max(red, green, blue);
  const min = Math.min(red, green, blue);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = d / (1 - Math.abs(2 * l - 1));
  let h;
  if (max === red) h = ((green - blue) / d) % 6;
  else if (max === green) h = (blue - red) / d + 2;
  else h = (red - green) / d + 4;
  return [(h * 60 + 360) % 360, s, l];
}
