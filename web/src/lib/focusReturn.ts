import { onDestroy } from 'svelte';

/**
 * For a menu or dialog that takes focus while it is open: once the component goes, focus goes
 * back to whatever had it when the component was created (the button or edge that opened it),
 * unless the person has since moved focus elsewhere. Call it while the component initialises,
 * before anything inside takes focus.
 */
export function returnFocusWhenDestroyed(container: () => Element | undefined): void {
  const opener = document.activeElement;
  onDestroy(() => {
    const focused = document.activeElement;
    const lost = !focused || focused === document.body || !!container()?.contains(focused);
    // An edge is an SVG element, which takes focus as well as an HTML one.
    const focusable = opener instanceof HTMLElement || opener instanceof SVGElement;
    if (lost && focusable && opener.isConnected) opener.focus();
  });
}
