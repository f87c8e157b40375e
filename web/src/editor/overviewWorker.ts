/**
 * The overview painted off the page's main thread: the page transfers its canvas here once,
 * then sends what changes (shapes when the design does, the view on every pan and zoom frame).
 * Each painted frame reaches the compositor from here, and how much it drew goes back to the page.
 */
import { OverviewPainter, type OverviewChange } from './overviewPainter';

export type OverviewWorkerMessage = { canvas: OffscreenCanvas } | OverviewChange;

let painter: OverviewPainter | undefined;

self.onmessage = ({ data }: MessageEvent<OverviewWorkerMessage>) => {
  if ('canvas' in data) {
    painter = new OverviewPainter(data.canvas.getContext('2d')!, (drawn) =>
      self.postMessage(drawn),
    );
  } else {
    painter?.update(data);
  }
};
