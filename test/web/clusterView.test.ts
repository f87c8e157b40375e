import { describe, expect, it } from 'vitest';
import type { ResourceSummary } from '../../shared/cluster/clusterRoom.js';
import type { ConnectionDeployment, DeployedResource } from '../../shared/deploy/deployment.js';
import {
  namespacesOf,
  visibleEdges,
  visibleResources,
} from '../../web/src/clusters/clusterGraph.js';
import { healthOf } from '../../web/src/clusters/health.js';
import { componentDeployStates } from '../../web/src/editor/deployStates.js';

function resource(
  kind: string,
  name: string,
  extra: Partial<ResourceSummary> = {},
): ResourceSummary {
  return {
    apiVersion: 'v1',
    kind,
    name,
    uid: `${kind}-${name}`,
    labels: {},
    ownerReferences: [],
    ...extra,
  };
}

describe('the health of live objects', () => {
  it('reads workloads, pods, nodes and jobs from their summaries', () => {
    expect(healthOf(resource('Deployment', 'web', { ready: 2, desired: 3 }))).toEqual({
      health: 'progressing',
      text: '2/3 ready',
    });
    expect(healthOf(resource('Deployment', 'web', { ready: 3, desired: 3 })).health).toBe(
      'healthy',
    );
    expect(healthOf(resource('Deployment', 'web', { ready: 0, desired: 0 })).health).toBe('idle');
    expect(healthOf(resource('Pod', 'p', { phase: 'Running', ready: 1, desired: 1 })).health).toBe(
      'healthy',
    );
    expect(healthOf(resource('Pod', 'p', { phase: 'Running', ready: 0, desired: 1 }))).toEqual({
      health: 'progressing',
      text: '0/1 ready',
    });
    expect(healthOf(resource('Pod', 'p', { phase: 'Failed' })).health).toBe('failing');
    const ready = [{ type: 'Ready', status: 'True' }];
    expect(healthOf(resource('Node', 'n', { conditions: ready })).text).toBe('ready');
    expect(healthOf(resource('Node', 'n', { conditions: ready, unschedulable: true })).text).toBe(
      'cordoned',
    );
    expect(healthOf(resource('Node', 'n', { conditions: [] })).health).toBe('failing');
    const failed = [{ type: 'Failed', status: 'True' }];
    expect(healthOf(resource('Job', 'j', { conditions: failed })).health).toBe('failing');
    expect(healthOf(resource('PersistentVolumeClaim', 'c', { phase: 'Pending' })).health).toBe(
      'progressing',
    );
    expect(healthOf(resource('ConfigMap', 'c')).health).toBe('healthy');
  });
});

describe('what the cluster page draws', () => {
  const all = [
    resource('Namespace', 'shop'),
    resource('Deployment', 'api', { namespace: 'shop', labels: { app: 'api' } }),
    resource('Pod', 'api-1', { namespace: 'shop', labels: { app: 'api' } }),
    resource('Deployment', 'web', { namespace: 'default', labels: { app: 'web' } }),
    resource('Node', 'node-1'),
  ];
  const names = (list: ResourceSummary[]) => list.map((r) => `${r.kind} ${r.name}`);

  it('filters by namespace (its Namespace object included) and by every word searched', () => {
    expect(namespacesOf(all)).toEqual(['default', 'shop']);
    expect(names(visibleResources(all, { namespace: 'shop', search: '' }))).toEqual([
      'Namespace shop',
      'Deployment api',
      'Pod api-1',
    ]);
    expect(names(visibleResources(all, { namespace: '', search: 'app=api POD' }))).toEqual([
      'Pod api-1',
    ]);
    expect(visibleResources(all, { namespace: 'shop', search: 'web' })).toEqual([]);
  });

  it('draws only the lines whose two ends are drawn', () => {
    const relationships = new Map([
      [
        'a',
        {
          definition: 'd',
          type: 'ownership',
          subType: 'owner',
          from: 'Deployment-api',
          to: 'Pod-api-1',
        },
      ],
      [
        'b',
        { definition: 'd', type: 'network', subType: 'x', from: 'Deployment-web', to: 'Pod-api-1' },
      ],
    ]);
    const drawn = new Set(['Deployment-api', 'Pod-api-1']);
    expect(visibleEdges(relationships, drawn).map((edge) => edge.id)).toEqual(['a']);
  });
});

describe('deployment states on the canvas', () => {
  const applied = (component: string, state: DeployedResource['state']): DeployedResource => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: component,
    component,
    action: 'apply',
    state,
    message: '',
  });
  const deployment = (
    resources: DeployedResource[],
    extra: Partial<ConnectionDeployment> = {},
  ): ConnectionDeployment => ({
    deployment: 'd',
    action: 'deploy',
    dryRun: false,
    state: 'succeeded',
    startedAt: '',
    appliedAt: null,
    finishedAt: null,
    resources,
    ...extra,
  });

  it('marks each component with its worst state across connections, ignoring dry runs and undeploys', () => {
    const states = componentDeployStates({
      one: deployment([applied('a', 'ready'), applied('b', 'ready')]),
      two: deployment([applied('a', 'failed'), applied('b', 'applied')]),
      preview: deployment([applied('c', 'failed')], { dryRun: true }),
      gone: deployment([applied('d', 'ready')], { action: 'undeploy' }),
    });
    expect(Object.fromEntries(states)).toEqual({ a: 'failed', b: 'applied' });
  });
});
