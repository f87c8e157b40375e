/**
 * Starts the sandbox's controllers, the simulated parts of a control plane and its nodes that
 * make workloads come alive, and stops them all at once.
 */
import type { Logger } from '../../log.js';
import type { ObjectStore } from '../objectStore.js';
import type { ResourceCatalog } from '../resourceCatalog.js';
import type { ResourceService } from '../resourceService.js';
import {
  resolveKinds,
  type Controller,
  type ControllerContext,
  type SandboxTimings,
} from './controllerContext.js';
import { CrdController } from './crdController.js';
import { CronJobController } from './cronJobController.js';
import { DaemonSetController } from './daemonSetController.js';
import { DeploymentController } from './deploymentController.js';
import { EndpointsController } from './endpointsController.js';
import { EventRecorder } from './eventRecorder.js';
import { GarbageCollector } from './garbageCollector.js';
import { JobController } from './jobController.js';
import { Kubelet } from './kubelet.js';
import { NamespaceController } from './namespaceController.js';
import { OwnerIndex } from './ownerIndex.js';
import { ReplicaSetController } from './replicaSetController.js';
import { Scheduler } from './scheduler.js';
import { ServiceAccountController } from './serviceAccountController.js';
import { StatefulSetController } from './statefulSetController.js';
import { VolumeBinder } from './volumeBinder.js';

export interface ControllerDeps {
  resources: ResourceService;
  store: ObjectStore;
  catalog: ResourceCatalog;
  timings: SandboxTimings;
  logger: Logger;
}

/** Starts every controller; returns the function that stops them. */
export function startControllers(deps: ControllerDeps): () => void {
  const kinds = resolveKinds(deps.catalog);
  const context: ControllerContext = {
    resources: deps.resources,
    store: deps.store,
    owners: new OwnerIndex(deps.store),
    kinds,
    events: new EventRecorder(deps.resources, kinds.event),
    timings: deps.timings,
    logger: deps.logger,
  };
  const controllers: Controller[] = [
    // First: it serves the stored CRDs' kinds before the others read the catalog.
    new CrdController(context, deps.catalog),
    new GarbageCollector(context, deps.catalog),
    new NamespaceController(context, deps.catalog),
    new ServiceAccountController(context),
    new DeploymentController(context),
    new ReplicaSetController(context),
    new JobController(context),
    new CronJobController(context),
    new StatefulSetController(context),
    new DaemonSetController(context),
    new VolumeBinder(context),
    new Scheduler(context),
    new Kubelet(context),
    new EndpointsController(context),
  ].map((controller) => controller.start());
  return () => {
    controllers.forEach((controller) => controller.stop());
    context.owners.stop();
  };
}
