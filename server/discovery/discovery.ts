/**
 * Discovery: a new design from what runs on a cluster (`POST /api/connections/:id/import`),
 * and models from the cluster's CustomResourceDefinitions (`POST
 * /api/connections/:id/import-crds`). Both read through the connection's `KubeConfig`, and hand
 * what they read to the same code as the manifest and CRD file imports, so an object discovered
 * and the same object imported from YAML make the same component.
 */
import type { ConnectionView } from '../../shared/operate/connections.js';
import { objectWith } from '../bodyFields.js';
import type { ConnectionRegistry } from '../connections/connectionRegistry.js';
import type { DesignService } from '../designs/designService.js';
import { badRequest, HubError } from '../errors.js';
import { clusterFailure } from '../kube/failure.js';
import { RawObjects } from '../kube/rawObjects.js';
import { importedModelsView, modelsFromCrdObjects, servedVersions } from '../models/crdImport.js';
import type { ModelRegistry } from '../models/modelRegistry.js';
import { asJsonObject } from '../../shared/design/model.js';
import type { DesignRecord } from '../store/designRecords.js';
import { readClusterObjects, type SkippedObject } from './clusterObjects.js';
import { designObjectOf } from './designObject.js';
import { parseDiscoveryRequest, type DiscoveryRequest } from './discoveryRequest.js';
import { IMPORTED_KINDS } from './importedKinds.js';

/** What `POST /api/connections/:id/import` answers with. */
export interface DiscoveredDesign extends DesignRecord {
  /** How many components the design has. */
  components: number;
  /** What was left out and why, the first `MAX_SKIPPED_LISTED` of `skippedCount`. */
  skipped: SkippedObject[];
  skippedCount: number;
}

/** A cluster's every Pod is left out (their controllers come in): enough to learn why. */
const MAX_SKIPPED_LISTED = 1_000;
const NO_FIELDS: ReadonlySet<string> = new Set();

export class Discovery {
  constructor(
    private readonly connections: ConnectionRegistry,
    private readonly designs: DesignService,
    private readonly models: ModelRegistry,
  ) {}

  /** Creates a design of the live objects `body` asks for; nothing when the cluster fails. */
  async importDesign(connectionId: string, body: unknown): Promise<DiscoveredDesign> {
    const connection = this.connections.get(connectionId);
    const request = parseDiscoveryRequest(body);
    const cluster = new RawObjects(this.connections.kubeConfig(connectionId));
    const { objects, skipped } = await reading(connection, request, () =>
      readClusterObjects(cluster, request),
    );
    if (objects.length === 0) throw nothingToImport(connection, skipped);
    const record = await this.designs.importObjects(
      {
        name: request.name ?? `${connection.name} (imported)`,
        description: describeImport(connection, request),
      },
      objects.map(designObjectOf),
    );
    return {
      ...record,
      components: objects.length,
      skipped: skipped.slice(0, MAX_SKIPPED_LISTED),
      skippedCount: skipped.length,
    };
  }

  /** Adds the models of the cluster's CRDs to the registry; answers with those it added. */
  async importCrds(connectionId: string, body: unknown) {
    const connection = this.connections.get(connectionId);
    objectWith(body, NO_FIELDS);
    const cluster = new RawObjects(this.connections.kubeConfig(connectionId));
    const crds = await reading(connection, undefined, () =>
      cluster.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition', ''),
    );
    // The API server refuses CRDs without a group or kind; one serving no version has no kinds.
    const usable = crds.filter((crd) => servedVersions(asJsonObject(crd.spec)).length > 0);
    if (usable.length === 0) return [];
    return importedModelsView(await this.models.import(modelsFromCrdObjects(usable)));
  }
}

/** Runs `read`, turning what the cluster says into an error the API answers with. */
async function reading<T>(
  connection: ConnectionView,
  request: DiscoveryRequest | undefined,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const failure = clusterFailure(error);
    if (failure.code === undefined) {
      throw new HubError(
        502,
        'cluster_unreachable',
        `could not reach ${connection.name}: ${failure.message}`,
      );
    }
    if (failure.code === 400 && request?.labelSelector) {
      throw badRequest(
        'invalid_label_selector',
        `${connection.name} refused the label selector: ${failure.message}`,
      );
    }
    throw new HubError(
      502,
      'cluster_failed',
      `${connection.name} answered ${failure.code}: ${failure.message}`,
    );
  }
}

/** The new design's description: where it came from and what was asked for. */
function describeImport(connection: ConnectionView, request: DiscoveryRequest): string {
  const asked = [
    ...(request.namespaces ? [`namespaces ${[...request.namespaces].join(', ')}`] : []),
    ...(request.labelSelector ? [`label selector ${request.labelSelector}`] : []),
    ...(request.kinds.length < IMPORTED_KINDS.length
      ? [`kinds ${request.kinds.map(({ kind }) => kind).join(', ')}`]
      : []),
  ];
  const filters = asked.length > 0 ? ` (${asked.join('; ')})` : '';
  return `Imported from ${connection.name} at ${new Date().toISOString()}${filters}.`;
}

/** No design for an import that found nothing: saying why beats an empty design. */
function nothingToImport(connection: ConnectionView, skipped: readonly SkippedObject[]): HubError {
  const first = skipped[0];
  const why = first
    ? `; ${skipped.length} object(s) matched but were left out, the first ` +
      `${first.kind} ${[first.namespace, first.name].filter(Boolean).join('/')}: ${first.reason}`
    : '';
  return new HubError(
    422,
    'nothing_to_import',
    `nothing on ${connection.name} matches the import${why}`,
  );
}
