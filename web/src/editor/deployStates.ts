/**
 * Each component's deployment state as the canvas marks it: from the latest real (not dry-run)
 * deploy on every connection, the worst state the component's objects are in, so a component
 * that failed on one cluster shows failed even if another has it ready.
 */
import type { ConnectionDeployment, ResourceState } from '../../../shared/deploy/deployment';

const WORST_FIRST: readonly ResourceState[] = ['failed', 'pending', 'applied', 'ready'];

export function componentDeployStates(
  deployments: Record<string, ConnectionDeployment>,
): Map<string, ResourceState> {
  const states = new Map<string, ResourceState>();
  for (const deployment of Object.values(deployments)) {
    if (deployment.action !== 'deploy' || deployment.dryRun) continue;
    for (const { component, action, state } of deployment.resources) {
      if (!component || action !== 'apply') continue;
      const known = states.get(component);
      if (!known || WORST_FIRST.indexOf(state) < WORST_FIRST.indexOf(known)) {
        states.set(component, state);
      }
    }
  }
  return states;
}
