/**
 * How each kind looks on the canvas: the model registry's colour and shape, and a short badge
 * (the abbreviations kubectl users already know). Styles are cached so an unchanged kind keeps
 * the same object, which lets the canvas skip nodes that did not change.
 */
import type { ComponentKind } from '../api';
import type { KindStyle } from './canvasModel';

const BADGES: Record<string, string> = {
  Pod: 'pod',
  Deployment: 'dep',
  ReplicaSet: 'rs',
  StatefulSet: 'sts',
  DaemonSet: 'ds',
  Job: 'job',
  CronJob: 'cj',
  Service: 'svc',
  Endpoints: 'ep',
  EndpointSlice: 'eps',
  Ingress: 'ing',
  IngressClass: 'ic',
  NetworkPolicy: 'netpol',
  Namespace: 'ns',
  ConfigMap: 'cm',
  Secret: 'sec',
  LimitRange: 'limits',
  ResourceQuota: 'quota',
  PriorityClass: 'pc',
  HorizontalPodAutoscaler: 'hpa',
  PodDisruptionBudget: 'pdb',
  PersistentVolumeClaim: 'pvc',
  PersistentVolume: 'pv',
  StorageClass: 'sc',
  CSIDriver: 'csi',
  ServiceAccount: 'sa',
  Role: 'role',
  RoleBinding: 'rb',
  ClusterRole: 'crole',
  ClusterRoleBinding: 'crb',
  CustomResourceDefinition: 'crd',
};

const UNKNOWN_COLOUR = '#7a8294';

/** The badge for a kind without a known abbreviation: its capitals, e.g. `VirtualService` → `vs`. */
const initialsOf = (kind: string) =>
  (kind.match(/[A-Z]/g)?.join('') || kind.slice(0, 3)).toLowerCase().slice(0, 4);

export function kindStyles(kinds: readonly ComponentKind[]): (kind: string) => KindStyle {
  const byKind = new Map(kinds.map((definition) => [definition.kind, definition]));
  const cache = new Map<string, KindStyle>();
  return (kind) => {
    let style = cache.get(kind);
    if (!style) {
      const definition = byKind.get(kind);
      style = {
        colour: definition?.style.colour ?? UNKNOWN_COLOUR,
        badge: BADGES[kind] ?? initialsOf(kind || '?'),
        container: definition?.style.shape === 'container',
      };
      cache.set(kind, style);
    }
    return style;
  };
}
