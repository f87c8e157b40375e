/**
 * A design's components as the objects a deployment applies: each component's manifest,
 * labelled with the design (so undeploy and pruning find it on the cluster) and annotated with
 * the component it comes from (so progress and drift map back onto the canvas).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { COMPONENT_ANNOTATION, DESIGN_LABEL } from '../../shared/deploy/deployment.js';
import type { Component } from '../../shared/design/model.js';
import { toManifest } from '../../shared/design/manifests.js';

export interface DeployObject {
  component: string;
  object: KubernetesObject & { apiVersion: string; kind: string; metadata: { name: string } };
}

export function deployObjects(designId: string, components: readonly Component[]): DeployObject[] {
  return components.map((component) => {
    const manifest = toManifest(component) as unknown as DeployObject['object'];
    manifest.metadata = {
      ...manifest.metadata,
      labels: { ...manifest.metadata.labels, [DESIGN_LABEL]: designId },
      annotations: { ...manifest.metadata.annotations, [COMPONENT_ANNOTATION]: component.id },
    };
    return { component: component.id, object: manifest };
  });
}
