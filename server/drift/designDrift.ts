/**
 * Keeps one design's drift in its derived room (`drift`) while that room is loaded: for each
 * connection where the design is deployed (see deployedObjects), the fields its components set
 * that the cluster holds otherwise.
 *
 * - **A check** reads the deployed objects from the cluster (see readLiveObjects: one list per
 *   kind) and compares them with the design as it stands. It runs when a connection's deploy
 *   succeeds, when the room loads, and, while the design is open, CHANGE_DEBOUNCE_MS after
 *   the cluster changes one of the objects, and every RESYNC_MS. One check per connection at
 *   a time; changes meanwhile make one more.
 * - **Noticing changes** reuses the connection's live cluster view (see DeployedObjectWatch)
 *   while the design is open: its derived room or its design room has a connection.
 * - **Design edits** compare again with the objects of the last check, without asking the
 *   cluster: adopting a value, or editing one, clears the drift at once.
 * - A deploy under way (re-applying) and an undeploy remove the connection's drift at once; a
 *   dry-run changes nothing (see deployedObjects for what a failed deploy leaves to compare).
 * - While the room is not loaded nothing runs; what it holds is checked again when it loads.
 */
import type { DriftFinding } from '../../shared/deploy/drift.js';
import { readComponentById } from '../../shared/design/convert.js';
import { DerivedKey, readDeployments, readDrift, writeDrift } from '../../shared/design/derived.js';
import type { Component, JsonObject } from '../../shared/design/model.js';
import { designRoom } from '../../shared/rooms.js';
import type { ClusterViews } from '../clusters/clusterViews.js';
import type { ConnectionRegistry } from '../connections/connectionRegistry.js';
import type { DeploymentService } from '../deploy/deploymentService.js';
import type { DesignService } from '../designs/designService.js';
import { HUB_ORIGIN, type Room } from '../hub/room.js';
import type { RoomRegistry } from '../hub/roomRegistry.js';
import { clusterFailure } from '../kube/failure.js';
import { RawObjects } from '../kube/rawObjects.js';
import type { Logger } from '../log.js';
import { deployedObjects, isSameObject, type DeployedObject } from './deployedObjects.js';
import { DeployedObjectWatch } from './deployedObjectWatch.js';
import { driftFindings } from './driftFindings.js';
import { fieldDrift } from './fieldDrift.js';
import { readLiveObjects } from './liveObjects.js';

/** A burst of changes (a scale, then its status) is one check this long after the last. */
const CHANGE_DEBOUNCE_MS = 100;
/** Edits of the design are compared again this long after the last one. */
const EDIT_DEBOUNCE_MS = 150;
/** How often the monitor looks whether the design is open (a cheap test of two rooms). */
const OPEN_POLL_MS = 1_000;
/** An open design is checked in full this often: kinds no view watches, changes missed. */
const RESYNC_MS = 30_000;

export interface DriftDeps {
  rooms: RoomRegistry;
  connections: ConnectionRegistry;
  clusterViews: ClusterViews;
  designs: DesignService;
  deployments: Pick<DeploymentService, 'latestReal'>;
  logger: Logger;
}

/** A connection the design is deployed on. */
interface Target {
  connection: string;
  /** The deployment whose objects are compared. */
  deployment: string;
  objects: DeployedObject[];
  cluster: RawObjects;
  /** Each object on the cluster at the last check, by component id; null before the first. */
  live: Map<string, JsonObject | null> | null;
  findings: DriftFinding[];
  timer: ReturnType<typeof setTimeout> | null;
  checking: boolean;
  again: boolean;
  /** Whether the last check failed, so that a failing cluster is logged once, not each time. */
  failing: boolean;
  /** Follows the cluster's changes while the design is open. */
  watch: DeployedObjectWatch | null;
}

export class DesignDrift {
  private readonly targets = new Map<string, Target>();
  /** How a dry-run entry was resolved from stored deployments: by the entry's deployment id. */
  private readonly resolved = new Map<string, { entry: string; outcome: Resolved }>();
  /** Findings the room held when the monitor started, kept until the first check replaces them. */
  private held = new Map<string, DriftFinding[]>();
  private poll: ReturnType<typeof setInterval> | null = null;
  private editTimer: ReturnType<typeof setTimeout> | null = null;
  private sinceResync = 0;
  private started = false;
  private stopped = false;

  constructor(
    private readonly designId: string,
    private readonly derived: Room,
    private readonly deps: DriftDeps,
  ) {}

  /** Starts once the derived document is built; nothing is built early for it. */
  start(): void {
    this.derived.whenBuilt(() => {
      if (this.stopped) return;
      this.started = true;
      for (const findings of Object.values(readDrift(this.derived.doc))) {
        for (const finding of findings) {
          this.held.set(finding.connection, [
            ...(this.held.get(finding.connection) ?? []),
            finding,
          ]);
        }
      }
      this.deploymentsMap.observe(this.reconcile);
      this.reconcile();
      this.held.clear();
      this.poll = setInterval(this.tick, OPEN_POLL_MS);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    if (this.editTimer) clearTimeout(this.editTimer);
    if (this.started) this.deploymentsMap.unobserve(this.reconcile);
    for (const target of this.targets.values()) this.forget(target);
    this.targets.clear();
  }

  /** The design changed: compare again with what the last checks found. */
  designChanged(): void {
    if (!this.started || this.stopped || this.editTimer) return;
    this.editTimer = setTimeout(() => {
      this.editTimer = null;
      if (this.stopped) return;
      for (const target of this.targets.values()) this.compare(target);
      this.publish();
    }, EDIT_DEBOUNCE_MS);
  }

  private get deploymentsMap() {
    return this.derived.doc.getMap(DerivedKey.deployments);
  }

  /** Follows the derived room's `deployments`: which connections to compare, with what. */
  private readonly reconcile = (): void => {
    if (this.stopped) return;
    const wanted = new Map<string, Deployed>();
    for (const [connection, entry] of Object.entries(readDeployments(this.derived.doc))) {
      if (!this.deps.connections.has(connection)) continue;
      const outcome = entry.dryRun
        ? this.throughDryRun(connection, entry.deployment)
        : resolve(entry);
      if (outcome) wanted.set(connection, outcome);
    }
    for (const [connection, target] of this.targets) {
      if (wanted.get(connection)?.deployment !== target.deployment) {
        this.forget(target);
        this.targets.delete(connection);
      }
    }
    for (const [connection, outcome] of wanted) {
      if (this.targets.has(connection)) continue;
      const target = this.target(connection, outcome);
      this.targets.set(connection, target);
      this.schedule(target, 0);
    }
    this.updateWatches();
    this.publish();
  };

  /**
   * What a connection whose latest entry is a dry-run has deployed: what it had before the
   * dry-run when this monitor saw it, else the latest real deployment among those stored.
   */
  private throughDryRun(connection: string, entry: string): Resolved {
    const target = this.targets.get(connection);
    if (target) return { deployment: target.deployment, objects: target.objects };
    const known = this.resolved.get(connection);
    if (known?.entry === entry) return known.outcome;
    const outcome = resolve(this.deps.deployments.latestReal(this.designId, connection));
    this.resolved.set(connection, { entry, outcome });
    return outcome;
  }

  private target(connection: string, { deployment, objects }: Deployed): Target {
    return {
      connection,
      deployment,
      objects,
      cluster: new RawObjects(this.deps.connections.kubeConfig(connection)),
      live: null,
      findings: this.held.get(connection) ?? [],
      timer: null,
      checking: false,
      again: false,
      failing: false,
      watch: null,
    };
  }

  /** Stops everything running for a target. */
  private forget(target: Target): void {
    if (target.timer) clearTimeout(target.timer);
    target.timer = null;
    this.unwatch(target);
  }

  private readonly tick = (): void => {
    if (this.targets.size === 0) return;
    this.updateWatches();
    this.sinceResync += OPEN_POLL_MS;
    if (this.sinceResync < RESYNC_MS || !this.isOpen()) return;
    this.sinceResync = 0;
    for (const target of this.targets.values()) this.schedule(target, 0);
  };

  /**
   * Whether someone has the design open: a connection to its derived room or its design room
   * (a REST call that loads the design room for a moment does not count).
   */
  private isOpen(): boolean {
    const design = this.deps.rooms.loaded(designRoom(this.designId));
    return this.derived.connectionCount > 0 || (design?.connectionCount ?? 0) > 0;
  }

  /** Follows the clusters live while the design is open, and stops when it no longer is. */
  private updateWatches(): void {
    const open = this.isOpen();
    for (const target of this.targets.values()) {
      if (open && !target.watch) this.watch(target);
      else if (!open && target.watch) this.unwatch(target);
    }
  }

  private watch(target: Target): void {
    target.watch = new DeployedObjectWatch(
      this.deps.rooms,
      this.deps.clusterViews,
      target.connection,
      this.designId,
      target.objects,
      () => this.schedule(target, CHANGE_DEBOUNCE_MS),
    );
    // Whatever changed while nobody watched was not seen: look now.
    this.schedule(target, 0);
  }

  private unwatch(target: Target): void {
    target.watch?.stop();
    target.watch = null;
  }

  private schedule(target: Target, delayMs: number): void {
    if (this.stopped || target.timer) return;
    target.timer = setTimeout(() => {
      target.timer = null;
      void this.check(target);
    }, delayMs);
  }

  private async check(target: Target): Promise<void> {
    if (target.checking) {
      target.again = true;
      return;
    }
    target.checking = true;
    // Held so the room is not unloaded under a check (a deploy's room is let go when it ends).
    const release = this.holdDerived();
    try {
      const live = await readLiveObjects(target.cluster, this.designId, target.objects);
      if (this.stopped || this.targets.get(target.connection) !== target) return;
      target.live = live;
      target.failing = false;
      this.compare(target);
      this.publish();
    } catch (error) {
      // Kept as it was until a check succeeds (the next change, or the next resync).
      if (!this.stopped && !target.failing) {
        this.deps.logger.warn(
          `checking drift of design ${this.designId} on ${target.connection}: ${clusterFailure(error).message}`,
        );
      }
      target.failing = true;
    } finally {
      target.checking = false;
      release();
      if (target.again) {
        target.again = false;
        this.schedule(target, CHANGE_DEBOUNCE_MS);
      }
    }
  }

  /** Works out a target's findings from its last check and the design as it stands. */
  private compare(target: Target): void {
    const live = target.live;
    if (!live) return;
    let components: Map<string, Component | undefined>;
    try {
      components = this.deps.designs.read(
        this.designId,
        (doc) =>
          new Map(
            target.objects.map(({ component }) => [component, readComponentById(doc, component)]),
          ),
      );
    } catch {
      return; // The design is being deleted.
    }
    const connection = { id: target.connection, name: this.connectionName(target.connection) };
    target.findings = target.objects.flatMap((object) => {
      const component = components.get(object.component);
      const found = live.get(object.component);
      // Removed or renamed since the deploy: a change the next deploy makes, not drift.
      if (!component || found === undefined || !isSameObject(component, object)) return [];
      return driftFindings(
        connection,
        object,
        component,
        found === null ? 'missing' : fieldDrift(component, found),
      );
    });
  }

  /** Writes every target's findings to the derived room, only where they changed. */
  private publish(): void {
    if (this.stopped) return;
    const wanted = new Map<string, DriftFinding[]>();
    for (const target of this.targets.values()) {
      for (const finding of target.findings) {
        wanted.set(finding.component, [...(wanted.get(finding.component) ?? []), finding]);
      }
    }
    const doc = this.derived.doc;
    const held = readDrift(doc);
    const stale = Object.keys(held).filter((id) => !wanted.has(id));
    const changed = [...wanted].filter(
      ([id, findings]) => JSON.stringify(held[id]) !== JSON.stringify(findings),
    );
    if (stale.length === 0 && changed.length === 0) return;
    doc.transact(() => {
      for (const id of stale) writeDrift(doc, id, []);
      for (const [id, findings] of changed) writeDrift(doc, id, findings);
    }, HUB_ORIGIN);
  }

  /** Holds the derived room loaded; returns how to let it go. */
  private holdDerived(): () => void {
    // The room is loaded and not unloading (this monitor would have been stopped), so the hold
    // is taken at once, before `acquire` first awaits.
    const held = this.deps.rooms.acquire({ name: this.derived.name, persistent: true });
    return () =>
      void held.then(
        (room) => this.deps.rooms.release(room),
        () => undefined,
      );
  }

  private connectionName(id: string): string {
    return this.deps.connections.has(id) ? this.deps.connections.get(id).name : id;
  }
}

/** What a connection has deployed: the deployment and the objects it applied. */
interface Deployed {
  deployment: string;
  objects: DeployedObject[];
}

/** What a connection has deployed, or null when there is nothing to compare. */
type Resolved = Deployed | null;

function resolve(outcome: Parameters<typeof deployedObjects>[0]): Resolved {
  const objects = deployedObjects(outcome);
  return outcome && objects && objects.length > 0
    ? { deployment: outcome.deployment, objects }
    : null;
}
