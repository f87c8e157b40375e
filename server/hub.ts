/**
 * Wires the hub together: LMDB, rooms, the WebSocket hub, the HTTP app, and an orderly close.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { parseRoomName } from '../shared/rooms.js';
import { CloseCode } from '../shared/protocol.js';
import type { HubConfig } from './config.js';
import { DesignService } from './designs/designService.js';
import { createApp } from './http/app.js';
import { InFlightRequests } from './http/inFlight.js';
import type { Room } from './hub/room.js';
import { RoomRegistry } from './hub/roomRegistry.js';
import { inferenceAttacher, type FindingsFor } from './inference/designInference.js';
import { SCHEMA_CHECK, SchemaFindings } from './models/schemaFindings.js';
import { findingsFor as bestPracticeFindings } from '../shared/checks/bestPractices.js';
import { loadKubernetesModel } from './models/kubernetesModel.js';
import { ModelRegistry } from './models/modelRegistry.js';
import { KUBERNETES_RELATIONSHIPS } from '../shared/relationships/kubernetes.js';
import { WebSocketHub, type RoomAccess } from './hub/websocketHub.js';
import { PolicyRegistry } from './policies/policyRegistry.js';
import { PolicyRunner } from './policies/policyRunner.js';
import { createLogger, type Logger } from './log.js';
import { createHubMetrics, type HubMetrics } from './metrics/hubMetrics.js';
import { openDatabases } from './store/database.js';
import { DesignRecords } from './store/designRecords.js';
import { KeyedRecords } from './store/keyedRecords.js';
import { DocLog } from './store/docLog.js';
import { CompactionQueue } from './store/compactionQueue.js';
import { WriteBatch } from './store/writeBatch.js';
import { startSandbox, type Sandbox } from './sandbox/sandbox.js';
import { ClusterViews } from './clusters/clusterViews.js';
import { ConnectionRegistry } from './connections/connectionRegistry.js';
import { Environments } from './connections/environments.js';
import { DeploymentService } from './deploy/deploymentService.js';
import { Discovery } from './discovery/discovery.js';
import { DriftAdoption } from './drift/driftAdoption.js';
import { DriftMonitors } from './drift/driftMonitors.js';
import { ActivityLog } from './operate/activityLog.js';
import { Operations } from './operate/operations.js';

/** How long shutdown lets HTTP requests under way finish before closing storage under them. */
const REQUEST_DRAIN_MS = 10_000;
/** How long a cluster has to answer a connection check before it counts as unreachable. */
const CONNECTION_CHECK_TIMEOUT_MS = 5_000;

export interface Hub {
  /** `http://HOST:PORT` with the port actually bound. */
  url: string;
  port: number;
  metrics: HubMetrics;
  /** The built-in sandbox cluster, unless started with `--no-sandbox`. */
  sandbox?: Pick<Sandbox, 'url' | 'kubeconfigPath'>;
  /** Stops accepting, closes sockets with 1001, flushes every pending write, closes LMDB. */
  close(): Promise<void>;
}

export async function startHub(config: HubConfig, logger: Logger = createLogger()): Promise<Hub> {
  mkdirSync(config.data, { recursive: true });
  const db = openDatabases(config.data);
  let rooms: RoomRegistry | undefined;
  let sockets: WebSocketHub | undefined;
  let clusterViews: ClusterViews | undefined;
  const metrics = createHubMetrics({
    openRooms: () => rooms?.size ?? 0,
    connections: () => sockets?.connectionCount ?? 0,
    clusterWatches: () => clusterViews?.watchCount ?? 0,
  });
  const log = new DocLog(db, (seconds) => metrics.persistFlushSeconds.observe(seconds));
  const records = new DesignRecords(db);

  const sandbox = config.sandbox
    ? await startSandbox({
        db: db.sandbox,
        data: config.data,
        reset: config.sandboxReset,
        timings: { podStartMs: config.sandboxPodStartMs },
        logger,
      })
    : undefined;

  const connections = new ConnectionRegistry(
    {
      ...(sandbox ? { sandboxKubeconfig: sandbox.kubeconfigPath } : {}),
      ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}),
      stored: new KeyedRecords(db.connections, (connection) => connection.id),
    },
    { intervalMs: config.connectionCheckMs, timeoutMs: CONNECTION_CHECK_TIMEOUT_MS },
    logger,
  );

  clusterViews = new ClusterViews(connections);

  let designs: DesignService | undefined;
  let drift: DriftMonitors | undefined;
  let attachInference: ((room: Room) => (() => void) | undefined) | undefined;
  rooms = new RoomRegistry(log, metrics, logger, {
    graceMs: config.roomGraceMs,
    writes: {
      batch: new WriteBatch(config.writeDelayMs),
      compactions: new CompactionQueue(),
      compactEntries: config.compactEntries,
      compactBytes: config.compactBytes,
      compactQuietMs: config.compactQuietMs,
    },
    attach: (room) => attachInference?.(room) ?? clusterViews?.attach(room) ?? drift?.attach(room),
    editListener: (roomName) => {
      const room = parseRoomName(roomName);
      if (room?.kind !== 'design') return undefined;
      const { designId } = room;
      return () => {
        designs?.noteEdited(designId);
        drift?.designEdited(designId);
      };
    },
  });
  const models = new ModelRegistry(
    () => [loadKubernetesModel()],
    new KeyedRecords(db.models, (model) => model.name),
  );
  const schemaFindings = new SchemaFindings(models);
  const findingsFor: FindingsFor = (subject, disabled) => [
    ...(disabled.has(SCHEMA_CHECK.id) ? [] : schemaFindings.findings(subject.component)),
    ...bestPracticeFindings(subject, disabled),
  ];
  const policyRunner = new PolicyRunner(config.policyBudgetMs);
  const policies = new PolicyRegistry(
    new KeyedRecords(db.policies, (policy) => policy.id),
    policyRunner,
  );
  attachInference = inferenceAttacher(
    rooms,
    KUBERNETES_RELATIONSHIPS,
    findingsFor,
    policies,
    logger,
  );
  designs = new DesignService(
    records,
    log,
    rooms,
    KUBERNETES_RELATIONSHIPS,
    findingsFor,
    models,
    policies,
    (what, error) => {
      metrics.persistErrors.inc();
      logger.error(`${what} failed`, error);
    },
  );
  sockets = new WebSocketHub(rooms, metrics, logger, {
    maxMessageBytes: config.maxMessageBytes,
    sendBufferLimit: config.sendBufferLimit,
    pingIntervalMs: config.pingIntervalMs,
    resolveRoom: (name) => resolveRoom(name, designs, connections),
  });

  const environments = new Environments(
    new KeyedRecords(db.environments, (environment) => environment.id),
    (id) => connections.has(id),
  );

  const deployments = new DeploymentService(
    designs,
    connections,
    environments,
    rooms,
    new KeyedRecords(db.deployments, (deployment) => deployment.id),
    logger,
  );

  drift = new DriftMonitors({
    rooms,
    connections,
    clusterViews,
    designs,
    deployments,
    logger,
  });

  const inFlight = new InFlightRequests();
  const app = createApp({
    designs,
    connections,
    environments,
    deployments,
    discovery: new Discovery(connections, designs, models),
    drift: new DriftAdoption(designs, connections, deployments),
    operations: new Operations(connections, new ActivityLog(db.activity)),
    models,
    policies,
    metrics: metrics.registry,
    logger,
    webRoot: config.webRoot,
    embedOrigins: config.embedOrigins,
    inFlight,
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  sockets.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const stopped = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      sockets.close();
      // Requests under way finish first (bounded): they may still write to rooms and records.
      if (!(await inFlight.drained(REQUEST_DRAIN_MS))) {
        logger.warn(
          `requests still running ${REQUEST_DRAIN_MS} ms into shutdown: cutting them off`,
        );
      }
      // Deployments under way stop waiting and write their last progress while rooms are open.
      await deployments.close();
      await rooms.closeAll(CloseCode.goingAway, 'hub shutting down');
      await policyRunner.close();
      designs.flushTouches();
      await connections.close();
      await sandbox?.close();
      await log.flushed();
      server.closeAllConnections();
      await stopped;
      await db.root.close();
    })());

  return {
    url: `http://${host}:${port}`,
    port,
    metrics,
    ...(sandbox ? { sandbox: { url: sandbox.url, kubeconfigPath: sandbox.kubeconfigPath } } : {}),
    close,
  };
}

/** Which rooms exist and who may write to them. Hub-owned rooms are read-only for clients. */
function resolveRoom(
  name: string,
  designs: DesignService,
  connections: ConnectionRegistry,
): RoomAccess {
  const room = parseRoomName(name);
  if (!room) {
    return {
      ok: false,
      code: CloseCode.badMessage,
      reason: `unknown room ${JSON.stringify(name)}`,
    };
  }
  switch (room.kind) {
    case 'design':
    case 'derived':
      if (!designs.exists(room.designId)) {
        return {
          ok: false,
          code: CloseCode.notFound,
          reason: `design ${room.designId} does not exist`,
        };
      }
      return { ok: true, spec: { name, persistent: true }, readOnly: room.kind === 'derived' };
    case 'cluster':
      if (!connections.has(room.connectionId)) {
        return {
          ok: false,
          code: CloseCode.notFound,
          reason: `cluster connection ${room.connectionId} does not exist`,
        };
      }
      // A live view: the hub writes it from the cluster, nothing of it is stored.
      return { ok: true, spec: { name, persistent: false }, readOnly: true };
    default: {
      const unreachable: never = room;
      return unreachable;
    }
  }
}
