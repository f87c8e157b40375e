/**
 * Accessibility checks run in a real page: text contrast (WCAG 2.1 AA: 4.5:1, or 3:1 for large
 * text) against the background actually painted behind it, form controls and buttons without
 * an accessible name, and keyboard focus without a visible ring. Each answers a list of
 * problems, empty when there are none.
 */
import type { Page } from 'playwright-core';

/**
 * Every visible text whose contrast with its background is below AA, as
 * "text (colour on background): ratio". A string, not a function: the page runs it as it is.
 */
const LOW_CONTRAST = `(() => {
  const parse = (colour) => {
    const [r, g, b, a = 1] = colour.match(/[\\d.]+/g).map(Number);
    // color-mix() and friends compute to color(srgb r g b / a), channels from 0 to 1.
    const scale = colour.startsWith('color(srgb') ? 255 : 1;
    return { r: r * scale, g: g * scale, b: b * scale, a };
  };
  const luminance = ({ r, g, b }) => {
    const channel = (value) => {
      const v = value / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const backgroundOf = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour.a > 0) layers.push(colour);
      if (colour.a === 1) break;
    }
    return layers.reduceRight((under, layer) => over(layer, under), { r: 255, g: 255, b: 255, a: 1 });
  };
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const element = text.parentElement;
    if (!element || seen.has(element) || !text.textContent.trim()) continue;
    seen.add(element);
    const style = getComputedStyle(element);
    if (element.closest('[aria-hidden="true"], [hidden], option, script, style')) continue;
    if (style.visibility !== 'visible' || element.getClientRects().length === 0) continue;
    // Text for screen readers only, clipped to a pixel, is never seen.
    const box = element.getBoundingClientRect();
    if (box.width <= 1 && box.height <= 1) continue;
    if (element.closest(':disabled')) continue;
    let opacity = 1;
    for (let node = element; node; node = node.parentElement) opacity *= Number(getComputedStyle(node).opacity);
    if (opacity === 0) continue;
    const background = backgroundOf(element);
    const foreground = over({ ...parse(style.color), a: parse(style.color).a * opacity }, background);
    const [light, dark] = [luminance(foreground), luminance(background)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      problems.push(text.textContent.trim().slice(0, 40) + ' (' + style.color + ' on ' +
        'rgb(' + [background.r, background.g, background.b].map(Math.round).join(', ') + ')): ' +
        ratio.toFixed(2));
    }
  }
  return problems;
})()`;

/** Controls a screen reader could not name, as "tag#id.class". */
const UNNAMED_CONTROLS = `(() => {
  const problems = [];
  const controls = 'input, select, textarea, button, [role="button"], [role="menuitem"], [role="tab"]';
  for (const control of document.querySelectorAll(controls)) {
    if (control.closest('[aria-hidden="true"]') || control.getClientRects().length === 0) continue;
    if (control.type === 'hidden') continue;
    const named =
      control.getAttribute('aria-label') ||
      control.getAttribute('aria-labelledby') ||
      (control.labels && control.labels.length > 0) ||
      control.getAttribute('title') ||
      ((control.tagName === 'BUTTON' || control.hasAttribute('role')) && control.textContent.trim());
    if (!named) problems.push(control.tagName.toLowerCase() + '#' + control.id + '.' + control.className);
  }
  return problems;
})()`;

export const lowContrastTexts = (page: Page): Promise<string[]> => page.evaluate(LOW_CONTRAST);
export const unnamedControls = (page: Page): Promise<string[]> => page.evaluate(UNNAMED_CONTROLS);

/**
 * The focused element, as "tag#id.class", if the browser would show focus there but it has no
 * ring (no outline, no box shadow).
 */
const FOCUSED_WITHOUT_RING = `(() => {
  const element = document.activeElement;
  // A ring is owed where the browser shows focus (after keys), not where a click put it.
  if (!element || element === document.body || !element.matches(':focus-visible')) return null;
  const style = getComputedStyle(element);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ||
    style.boxShadow !== 'none';
  return ring ? null : element.tagName.toLowerCase() + '#' + element.id + '.' + element.className;
})()`;

/**
 * Null when focus is on the page itself, shows a ring, or needs none (a click put it there), else
 * the element that hides it.
 */
export const focusedWithoutRing = async (page: Page): Promise<string | null> =>
  (await page.evaluate(FOCUSED_WITHOUT_RING)) as string | null;

/** Presses Tab `stops` times and names each focused element that shows no focus ring. */
export async function focusWithoutRing(page: Page, stops: number): Promise<string[]> {
  const problems: string[] = [];
  for (let stop = 0; stop < stops; stop++) {
    await page.keyboard.press('Tab');
    const problem = await focusedWithoutRing(page);
    if (problem) problems.push(problem);
  }
  return problems;
}
