/**
 * Deploys and undeploys designs: `POST /api/designs/:id/deploy` and `…/undeploy` start a
 * deployment on one or more connections at once and answer with it straight away; its progress
 * goes live to the design's derived room (`deployments`, one entry per connection) and is kept
 * in LMDB when it ends, for `GET /api/deployments/:id`.
 *
 * A design whose findings hold errors is not deployed unless `force` is given. One deployment
 * per design and connection runs at a time.
 */
import {
  combinedState,
  type ConnectionDeployment,
  type Deployment,
  type DeploymentAction,
} from '../../shared/deploy/deployment.js';
import { readDeployments, writeDeployment } from '../../shared/design/derived.js';
import { isLabelValue, newId } from '../../shared/ids.js';
import { derivedRoom } from '../../shared/rooms.js';
import { objectWith } from '../bodyFields.js';
import { connectionIds } from '../connections/connectionInput.js';
import type { ConnectionRegistry } from '../connections/connectionRegistry.js';
import type { Environments } from '../connections/environments.js';
import type { DesignService } from '../designs/designService.js';
import { badRequest, HubError, notFound } from '../errors.js';
import { HUB_ORIGIN, type Room } from '../hub/room.js';
import type { RoomRegistry } from '../hub/roomRegistry.js';
import type { Logger } from '../log.js';
import type { KeyedRecords } from '../store/keyedRecords.js';
import { ClusterDeployment, type Kind } from './clusterDeployment.js';
import { deployObjects } from './deployObjects.js';

/** Progress reaches the derived room at most this often per connection (and when it ends). */
const PROGRESS_WRITE_MS = 50;
const DEFAULT_TIMEOUT_SECONDS = 120;
const MAX_TIMEOUT_SECONDS = 3_600;
const FIELDS = new Set(['connections', 'environment', 'dryRun', 'force', 'timeoutSeconds']);
/** Errors quoted in the refusal of a design that does not validate. */
const QUOTED_ERRORS = 5;

interface DeployRequest {
  connections: string[];
  dryRun: boolean;
  force: boolean;
  timeoutMs: number;
}

interface Running {
  record: Deployment;
  parts: Map<string, ClusterDeployment>;
  done: Promise<void>;
}

export class DeploymentService {
  private readonly running = new Map<string, Running>();
  /** `design\0connection` pairs with a deployment under way. */
  private readonly busy = new Set<string>();

  constructor(
    private readonly designs: DesignService,
    private readonly connections: ConnectionRegistry,
    private readonly environments: Environments,
    private readonly rooms: RoomRegistry,
    private readonly stored: KeyedRecords<Deployment>,
    private readonly logger: Logger,
  ) {}

  /** Starts deploying or undeploying a design; answers once it is under way. */
  async start(designId: string, action: DeploymentAction, body: unknown): Promise<Deployment> {
    const request = this.parse(body);
    const design = await this.designs.get(designId);
    if (!isLabelValue(designId)) {
      throw new HubError(
        409,
        'id_not_a_label',
        `design ${designId} is from before deployments: its id cannot be a Kubernetes label ` +
          'value, which deployed objects carry. Import its manifests as a new design to deploy it',
      );
    }
    if (action === 'deploy' && !request.force) refuseErrors(design.findings, design.components);
    const derived = await this.rooms.acquire({ name: derivedRoom(designId), persistent: true });
    // Checked and claimed in one turn, after the last await: two requests cannot both pass.
    const taken = request.connections.find((c) => this.busy.has(busyKey(designId, c)));
    if (taken) {
      this.rooms.release(derived);
      throw new HubError(
        409,
        'deployment_running',
        `design ${designId} is already being deployed to ${taken}`,
      );
    }
    const before = readDeployments(derived.doc);
    const record: Deployment = {
      id: newId(),
      design: designId,
      action,
      dryRun: request.dryRun,
      force: request.force,
      connections: request.connections,
      state: 'pending',
      startedAt: new Date().toISOString(),
      appliedAt: null,
      finishedAt: null,
      resources: [],
      errors: {},
    };
    const objects = deployObjects(designId, design.components);
    const parts: Map<string, ClusterDeployment> = new Map(
      request.connections.map((connection) => [
        connection,
        new ClusterDeployment(
          this.connections.kubeConfig(connection),
          {
            deployment: record.id,
            designId,
            action,
            objects,
            knownKinds: kindsOf(before[connection]),
            dryRun: request.dryRun,
            force: request.force,
            timeoutMs: request.timeoutMs,
          },
          this.progressWriter(derived, connection, (): ClusterDeployment => parts.get(connection)!),
        ),
      ]),
    );
    for (const connection of request.connections) this.busy.add(busyKey(designId, connection));
    const running: Running = { record, parts, done: Promise.resolve() };
    running.done = this.runAll(running, derived);
    this.running.set(record.id, running);
    return this.view(running);
  }

  get(id: string): Deployment {
    const running = this.running.get(id);
    if (running) return this.view(running);
    const stored = this.stored.get(id);
    if (!stored) throw notFound('deployment', id);
    return stored;
  }

  /**
   * The latest deployment of a design on a connection that was not a dry-run, under way or
   * finished: what is deployed there, which the derived room's entry stops saying once a dry-run
   * replaces it. Finished ones are looked for among all stored deployments, so this is for
   * occasional use (adopting drift, opening a design whose latest entry is a dry-run).
   */
  latestReal(designId: string, connection: string): ConnectionDeployment | undefined {
    let latest: ConnectionDeployment | undefined;
    const consider = (candidate: ConnectionDeployment) => {
      if (!latest || candidate.startedAt > latest.startedAt) latest = candidate;
    };
    for (const record of this.stored.list()) {
      if (record.design !== designId || record.dryRun) continue;
      if (!record.connections.includes(connection) || this.running.has(record.id)) continue;
      consider(storedProgress(record, connection));
    }
    for (const { record, parts } of this.running.values()) {
      const part = parts.get(connection);
      if (record.design === designId && !record.dryRun && part) consider(part.progress);
    }
    return latest;
  }

  /** Stops waiting for rollouts and lets every deployment under way end (shutdown). */
  async close(): Promise<void> {
    for (const { parts } of this.running.values()) for (const part of parts.values()) part.cancel();
    await Promise.all([...this.running.values()].map(({ done }) => done));
  }

  private async runAll(running: Running, derived: Room): Promise<void> {
    const { record, parts } = running;
    try {
      await Promise.all([...parts.values()].map((part) => part.run()));
    } finally {
      // Free before anything else: whoever saw it finish may deploy again at once.
      for (const connection of record.connections) {
        this.busy.delete(busyKey(record.design, connection));
      }
      this.rooms.release(derived);
    }
    try {
      await this.stored.put(this.view(running));
    } catch (error) {
      this.logger.error(`keeping deployment ${record.id} of design ${record.design}`, error);
    } finally {
      this.running.delete(record.id);
    }
  }

  /** Writes a connection's progress to the derived room, at most every PROGRESS_WRITE_MS. */
  private progressWriter(
    derived: Room,
    connection: string,
    part: () => ClusterDeployment,
  ): () => void {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const write = () => {
      timer = null;
      derived.doc.transact(
        () => writeDeployment(derived.doc, connection, part().progress),
        HUB_ORIGIN,
      );
    };
    return () => {
      const progress = part().progress;
      if (progress.finishedAt !== null) {
        if (timer) clearTimeout(timer);
        write();
      } else {
        timer ??= setTimeout(write, PROGRESS_WRITE_MS);
      }
    };
  }

  private view({ record, parts }: Running): Deployment {
    const progress = [...parts.entries()];
    return {
      ...record,
      state: combinedState(progress.map(([, part]) => part.progress.state)),
      appliedAt: latest(progress.map(([, part]) => part.progress.appliedAt)),
      finishedAt: latest(progress.map(([, part]) => part.progress.finishedAt)),
      resources: progress.flatMap(([connection, part]) =>
        part.progress.resources.map((resource) => ({ connection, ...resource })),
      ),
      errors: Object.fromEntries(
        progress.flatMap(([connection, part]) =>
          part.progress.error === undefined ? [] : [[connection, part.progress.error]],
        ),
      ),
    };
  }

  private parse(body: unknown): DeployRequest {
    const fields = objectWith(body ?? {}, FIELDS);
    const exists = (id: string) => this.connections.has(id);
    const connections = new Set(connectionIds(fields.connections ?? [], exists));
    if (fields.environment !== undefined) {
      if (typeof fields.environment !== 'string') {
        throw badRequest('invalid_body', '"environment" must be an environment id');
      }
      // An environment names only connections that exist (see Environments).
      for (const id of this.environments.get(fields.environment).connections) connections.add(id);
    }
    if (connections.size === 0) {
      throw badRequest('invalid_body', 'name the "connections" (or an "environment") to deploy to');
    }
    const flag = (name: 'dryRun' | 'force'): boolean => {
      const value = fields[name] ?? false;
      if (typeof value !== 'boolean')
        throw badRequest('invalid_body', `"${name}" must be true or false`);
      return value;
    };
    const seconds = fields.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    if (
      !Number.isInteger(seconds) ||
      (seconds as number) < 1 ||
      (seconds as number) > MAX_TIMEOUT_SECONDS
    ) {
      throw badRequest(
        'invalid_body',
        `"timeoutSeconds" must be an integer from 1 to ${MAX_TIMEOUT_SECONDS}`,
      );
    }
    return {
      connections: [...connections],
      dryRun: flag('dryRun'),
      force: flag('force'),
      timeoutMs: (seconds as number) * 1000,
    };
  }
}

/** One connection's part of a finished deployment, as the derived room showed it. */
function storedProgress(record: Deployment, connection: string): ConnectionDeployment {
  const resources = record.resources
    .filter((resource) => resource.connection === connection)
    .map(({ connection: _connection, ...resource }) => resource);
  const error = record.errors[connection];
  const failed = error !== undefined || resources.some((resource) => resource.state === 'failed');
  return {
    deployment: record.id,
    action: record.action,
    dryRun: record.dryRun,
    state: failed ? 'failed' : 'succeeded',
    startedAt: record.startedAt,
    appliedAt: record.appliedAt,
    finishedAt: record.finishedAt,
    resources,
    ...(error === undefined ? {} : { error }),
  };
}

/** Who holds a design's deployment slot on a connection (see `busy`). */
const busyKey = (design: string, connection: string): string => `${design}\u0000${connection}`;

/** The latest of several moments, once all of them have come. */
function latest(moments: (string | null)[]): string | null {
  if (moments.some((at) => at === null)) return null;
  return (moments as string[]).sort().at(-1) ?? null;
}

/** The kinds a connection's last deployment touched: where to look for what to prune. */
function kindsOf(previous: ConnectionDeployment | undefined): Kind[] {
  return (previous?.resources ?? []).map(({ apiVersion, kind }) => ({ apiVersion, kind }));
}

/** Throws 422 when the design's findings hold errors. */
function refuseErrors(
  findings: Record<string, { severity: string; message: string; path: string }[]>,
  components: readonly { id: string; kind: string; name: string }[],
): void {
  const names = new Map(components.map((c) => [c.id, `${c.kind} ${c.name}`]));
  const errors = Object.entries(findings).flatMap(([id, list]) =>
    list
      .filter((finding) => finding.severity === 'error')
      .map(
        (finding) =>
          `${names.get(id) ?? id}: ${finding.message}${finding.path ? ` (${finding.path})` : ''}`,
      ),
  );
  if (errors.length === 0) return;
  const more = errors.length > QUOTED_ERRORS ? `; and ${errors.length - QUOTED_ERRORS} more` : '';
  throw new HubError(
    422,
    'validation_failed',
    `the design has ${errors.length} error${errors.length === 1 ? '' : 's'}, so it is not deployed ` +
      `(deploy with "force": true to deploy anyway): ${errors.slice(0, QUOTED_ERRORS).join('; ')}${more}`,
  );
}
