/**
 * Text colour for a label drawn on someone's chosen colour (cursors, avatars, selection tags):
 * white or near-black, whichever contrasts more with it, so every name stays readable.
 */
const LIGHT = '#ffffff';
const DARK = '#0e1016';

/** WCAG relative luminance of `#rrggbb`, or undefined for anything else. */
function luminance(colour: string): number | undefined {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour.trim())?.[1];
  if (!hex) return undefined;
  const channels = [0, 2, 4].map((at) => {
    const value = parseInt(hex.slice(at, at + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * channels[0]! + 0.7152 * channels[1]! + 0.0722 * channels[2]!;
}

/** Colours other than `#rrggbb` get white, as before this check existed. */
export function textColourOn(background: string): string {
  const shade = luminance(background);
  if (shade === undefined) return LIGHT;
  const onLight = 1.05 / (shade + 0.05);
  const onDark = (shade + 0.05) / ((luminance(DARK) ?? 0) + 0.05);
  return onDark > onLight ? DARK : LIGHT;
}
