// Services come with a brand colour chosen by an administrator, not by a designer: white text on
// it must still reach 7:1. The colour is darkened (hue kept) until it does.

const FALLBACK = '#0b3d91';
const MIN_CONTRAST_ON_WHITE_TEXT = 7;

function channels(hex: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m?.[1]) return null;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

const toHex = (rgb: number[]) =>
  `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/** A fill for white text: the service's colour, darkened just enough for 7:1. */
export function readableFill(colour: string): string {
  const rgb = channels(colour) ?? channels(FALLBACK)!;
  for (let factor = 1; factor > 0; factor -= 0.04) {
    const shade = rgb.map((c) => c * factor) as [number, number, number];
    if (1.05 / (luminance(shade) + 0.05) >= MIN_CONTRAST_ON_WHITE_TEXT) return toHex(shade);
  }
  return '#000000';
}
