/**
 * Messages the embed widget posts to the page that frames it. Any page may frame it (as far as
 * `--embed-origins` allows), so they carry nothing beyond what the widget shows anyway.
 */
export type EmbedMessage =
  | { type: 'weft:ready'; designId: string }
  | { type: 'weft:select'; designId: string; componentIds: string[] }
  | { type: 'weft:resize'; designId: string; height: number };

export function postToParent(message: EmbedMessage): void {
  if (window.parent !== window) window.parent.postMessage(message, '*');
}
