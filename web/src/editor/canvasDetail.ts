/**
 * How much the canvas draws of each node. Zoomed far out, a node is a few pixels wide and its
 * text unreadable, so it is drawn as a plain shape in its kind's colour: a fitted view of a
 * thousand components then builds a tenth of the elements, and pans without repainting text.
 */
import { getContext, setContext } from 'svelte';

/** Below this zoom a node's name would be under 5 px tall. */
export const COMPACT_BELOW_ZOOM = 0.4;

export interface CanvasDetail {
  readonly compact: boolean;
  /** Whether this person may change the design (containers then show resize handles). */
  readonly editable: boolean;
  /** Stores a container's new size, from Svelte Flow's resize (position relative to its parent). */
  resize(id: string, rect: { x: number; y: number; width: number; height: number }): void;
  /** Called as a resize starts, so letting go of the handle does not count as a click. */
  startResize(): void;
}

const key = Symbol('canvas detail');

export const provideCanvasDetail = (detail: CanvasDetail): void => void setContext(key, detail);

export const useCanvasDetail = (): CanvasDetail =>
  getContext<CanvasDetail | undefined>(key) ?? {
    compact: false,
    editable: false,
    resize: () => {},
    startResize: () => {},
  };
