/**
 * "Adopt into design": `POST /api/designs/:id/drift/adopt {connection, component, paths?}`
 * writes what the cluster holds into the design, where it drifted (every path, or those
 * named), as an edit of the hub's own through the design's room, so connected editors see it
 * at once and the design's drift clears with their next comparison. The object is read from
 * the cluster at the time of the request, not taken from the derived room.
 */
import type { DriftFinding } from '../../shared/deploy/drift.js';
import { driftPath } from '../../shared/deploy/drift.js';
import { readComponentById, updateComponent } from '../../shared/design/convert.js';
import { objectWith, textField } from '../bodyFields.js';
import type { ConnectionRegistry } from '../connections/connectionRegistry.js';
import type { DeploymentService } from '../deploy/deploymentService.js';
import type { DesignService } from '../designs/designService.js';
import { badRequest, HubError, notFound } from '../errors.js';
import { clusterFailure } from '../kube/failure.js';
import { RawObjects } from '../kube/rawObjects.js';
import { adoptValues } from './adoptValues.js';
import { deployedObjects, isSameObject } from './deployedObjects.js';
import { driftFindings } from './driftFindings.js';
import { fieldDrift } from './fieldDrift.js';

const FIELDS = new Set(['connection', 'component', 'paths']);
const MAX_ID_LENGTH = 200;
const MAX_PATHS = 1_000;
const MAX_PATH_LENGTH = 2_000;

interface AdoptRequest {
  connection: string;
  component: string;
  /** Only these paths; every drifted one when undefined. */
  paths?: Set<string>;
}

/** `POST …/drift/adopt`: what was adopted, each with the design's old and new value. */
export interface AdoptResult {
  adopted: DriftFinding[];
}

export class DriftAdoption {
  constructor(
    private readonly designs: DesignService,
    private readonly connections: ConnectionRegistry,
    private readonly deployments: Pick<DeploymentService, 'latestReal'>,
  ) {}

  async adopt(designId: string, body: unknown): Promise<AdoptResult> {
    if (!this.designs.exists(designId)) throw notFound('design', designId);
    const request = this.parse(body);
    const known = this.designs.read(designId, (doc) => readComponentById(doc, request.component));
    if (!known) {
      throw badRequest(
        'unknown_component',
        `design ${designId} has no component ${request.component}`,
      );
    }
    const connection = {
      id: request.connection,
      name: this.connections.get(request.connection).name,
    };
    const object = deployedObjects(this.deployments.latestReal(designId, request.connection))?.find(
      (deployed) => deployed.component === request.component,
    );
    if (!object) {
      throw new HubError(
        409,
        'not_deployed',
        `component ${request.component} is not deployed on ${connection.name}: the latest deployment ` +
          'there did not apply it, or did not succeed',
      );
    }
    let live;
    try {
      live = await new RawObjects(this.connections.kubeConfig(request.connection)).read(object);
    } catch (error) {
      throw new HubError(
        502,
        'cluster_failed',
        `reading ${object.kind} ${object.name}: ${clusterFailure(error).message}`,
      );
    }
    if (live === null) {
      throw new HubError(
        409,
        'object_missing',
        `${object.kind} ${object.name} no longer exists on ${connection.name}, so there is nothing ` +
          'to adopt; re-apply the design to create it again',
      );
    }
    const cluster = live;
    return this.designs.edit(designId, (doc) => {
      // The design as it stands now, which may have changed while the cluster was read.
      const component = readComponentById(doc, request.component);
      if (!component) {
        throw badRequest(
          'unknown_component',
          `design ${designId} has no component ${request.component}`,
        );
      }
      if (!isSameObject(component, object)) {
        throw new HubError(
          409,
          'component_changed',
          `component ${request.component} was renamed since it was deployed: re-apply it instead`,
        );
      }
      const drifted = fieldDrift(component, cluster);
      const chosen = request.paths
        ? drifted.filter(({ steps }) => request.paths!.has(driftPath(steps)))
        : drifted;
      if (request.paths && chosen.length < request.paths.size) {
        const found = new Set(chosen.map(({ steps }) => driftPath(steps)));
        const not = [...request.paths].filter((path) => !found.has(path));
        throw new HubError(
          409,
          'not_drifted',
          `no drift at ${not.map((path) => JSON.stringify(path)).join(', ')} on ${connection.name}`,
        );
      }
      if (chosen.length > 0) updateComponent(doc, adoptValues(component, chosen));
      return { adopted: driftFindings(connection, object, component, chosen) };
    });
  }

  private parse(body: unknown): AdoptRequest {
    const fields = objectWith(body, FIELDS);
    const connection = textField(fields.connection ?? '', 'connection', MAX_ID_LENGTH, true);
    if (!this.connections.has(connection)) {
      throw badRequest('unknown_connection', `no connection ${JSON.stringify(connection)}`);
    }
    const component = textField(fields.component ?? '', 'component', MAX_ID_LENGTH, true);
    if (fields.paths === undefined) return { connection, component };
    const paths = fields.paths;
    if (
      !Array.isArray(paths) ||
      paths.length === 0 ||
      paths.length > MAX_PATHS ||
      paths.some((path) => typeof path !== 'string' || path === '' || path.length > MAX_PATH_LENGTH)
    ) {
      throw badRequest(
        'invalid_body',
        `"paths" must be a list of 1 to ${MAX_PATHS} drift paths (such as "config.spec.replicas"), ` +
          'or left out to adopt every one',
      );
    }
    return { connection, component, paths: new Set(paths as string[]) };
  }
}
