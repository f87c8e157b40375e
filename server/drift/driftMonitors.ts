/**
 * Drift for the room registry: a design's derived room gets a DesignDrift while it is loaded,
 * and edits of the design reach the monitor of that design, if one runs.
 */
import { parseRoomName } from '../../shared/rooms.js';
import type { Room } from '../hub/room.js';
import { DesignDrift, type DriftDeps } from './designDrift.js';

export class DriftMonitors {
  private readonly monitors = new Map<string, DesignDrift>();

  constructor(private readonly deps: DriftDeps) {}

  /** Starts the drift monitor of a derived room; returns how to stop it. Other rooms: undefined. */
  readonly attach = (room: Room): (() => void) | undefined => {
    const name = parseRoomName(room.name);
    if (name?.kind !== 'derived') return undefined;
    const { designId } = name;
    const monitor = new DesignDrift(designId, room, this.deps);
    this.monitors.set(designId, monitor);
    monitor.start();
    return () => {
      monitor.stop();
      if (this.monitors.get(designId) === monitor) this.monitors.delete(designId);
    };
  };

  /** A design's document changed (called for every update: cheap). */
  designEdited(designId: string): void {
    this.monitors.get(designId)?.designChanged();
  }
}
