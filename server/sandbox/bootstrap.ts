/**
 * What a new cluster has before anyone uses it: the four system namespaces, three nodes with
 * capacity for the scheduler to place pods on, and a default StorageClass for claims. Created
 * only where missing, so a restart or a user's edits are kept.
 */
import { timestamp, type KubeObject } from './kubeObject.js';
import type { ResourceCatalog } from './resourceCatalog.js';
import type { ResourceService } from './resourceService.js';

export const NODE_NAMES = ['sandbox-node-1', 'sandbox-node-2', 'sandbox-node-3'];

const NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const node = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name,
    labels: {
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
    },
  },
  spec: {},
});

const NODE_CAPACITY = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };

function nodeStatus(): Record<string, unknown> {
  const now = timestamp();
  return {
    capacity: NODE_CAPACITY,
    allocatable: NODE_CAPACITY,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
    ],
    nodeInfo: {
      kubeletVersion: 'v1.32.0-weft-sandbox',
      containerRuntimeVersion: 'sandbox://1.0',
      operatingSystem: 'linux',
      architecture: 'amd64',
      osImage: 'Weft sandbox',
    },
  };
}

const STORAGE_CLASS: KubeObject = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name: 'standard',
    annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
  },
  provisioner: 'sandbox.weft.dev/hostpath',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'Immediate',
};

export function bootstrap(resources: ResourceService, catalog: ResourceCatalog): void {
  const ensure = (object: KubeObject) => {
    const type = catalog.findKind(object.apiVersion, object.kind)!;
    return (
      resources.find(type, '', object.metadata.name) ?? resources.create(type, undefined, object)
    );
  };
  for (const name of NAMESPACES) {
    ensure({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  const nodes = catalog.findKind('v1', 'Node')!;
  for (const name of NODE_NAMES) {
    const created = ensure(node(name));
    if (!created.status || !('capacity' in (created.status as object))) {
      resources.update(
        nodes,
        undefined,
        name,
        { ...created, status: nodeStatus() },
        { subresource: 'status' },
      );
    }
  }
  ensure(STORAGE_CLASS);
}
