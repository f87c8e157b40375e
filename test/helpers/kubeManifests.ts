/**
 * Kubernetes objects the sandbox tests create, built in one place.
 */
import type { V1Container, V1Deployment } from '@kubernetes/client-node';

export interface DeploymentOptions {
  replicas?: number;
  image?: string;
  namespace?: string;
  /** Adds a second container, `sidecar`, for tests of list merging. */
  sidecar?: boolean;
}

/** A Deployment of pods labelled `app=<name>` with one container `web` serving port `http`. */
export function deploymentManifest(name: string, options: DeploymentOptions = {}): V1Deployment {
  const { replicas = 2, image = 'nginx:1.27', namespace = 'default', sidecar = false } = options;
  const containers: V1Container[] = [
    { name: 'web', image, ports: [{ name: 'http', containerPort: 8080 }] },
    ...(sidecar ? [{ name: 'sidecar', image: 'busybox:1.36' }] : []),
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } },
    },
  };
}
