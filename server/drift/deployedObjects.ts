/**
 * What a design has deployed on a connection, as far as drift is concerned: the objects its
 * latest real deployment there applied.
 *
 * - A deploy that succeeded: every object it applied.
 * - A deploy that failed: every object if it got as far as applying all of them (a rollout
 *   that never became ready); else the objects it did apply, and those it could not because
 *   another field manager owns fields the design sets (a conflict: those fields are exactly the
 *   drift). Objects it never got to are not compared, so an unreachable cluster shows none.
 * - A dry-run changes nothing on the cluster, so it neither starts nor ends drift (see
 *   DesignDrift, which looks through it); an undeploy, or a deploy under way (re-applying is
 *   what clears drift), means nothing to compare.
 */
import type { ConnectionDeployment } from '../../shared/deploy/deployment.js';
import type { Component } from '../../shared/design/model.js';

/** Where an object the design deployed is on a cluster. */
export interface DeployedObject {
  component: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** A connection's latest deployment, as far as drift needs it. */
export type DeploymentOutcome = Pick<
  ConnectionDeployment,
  'deployment' | 'action' | 'dryRun' | 'state' | 'appliedAt' | 'resources'
>;

/** The objects to compare on a connection; null when there is nothing to compare. */
export function deployedObjects(outcome: DeploymentOutcome | undefined): DeployedObject[] | null {
  if (!outcome || outcome.dryRun || outcome.action !== 'deploy') return null;
  if (outcome.state !== 'succeeded' && outcome.state !== 'failed') return null;
  const allApplied = outcome.appliedAt !== null;
  return outcome.resources.flatMap((resource) =>
    resource.action === 'apply' &&
    resource.component !== null &&
    (allApplied ||
      resource.state === 'applied' ||
      resource.state === 'ready' ||
      resource.conflict === true)
      ? [
          {
            component: resource.component,
            apiVersion: resource.apiVersion,
            kind: resource.kind,
            ...(resource.namespace ? { namespace: resource.namespace } : {}),
            name: resource.name,
          },
        ]
      : [],
  );
}

/** Whether a component still stands for the object it was deployed as (not renamed since). */
export function isSameObject(component: Component, object: DeployedObject): boolean {
  return (
    component.kind === object.kind &&
    component.name === object.name &&
    (component.namespace === undefined || component.namespace === object.namespace)
  );
}
