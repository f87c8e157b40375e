/**
 * Runs one pod of each DaemonSet on every node that should have one: the node's labels satisfy
 * the template's `nodeSelector` and its taints are tolerated (daemon pods tolerate the taints
 * kube-controller-manager adds for them, so a cordoned node keeps its daemons). Pods are placed
 * directly with `spec.nodeName`, as the real controller places them with node affinity, and
 * follow nodes as they come and go. A template change replaces pods node by node, with at most
 * `maxUnavailable` nodes lacking an available updated pod at a time; the status carries the
 * counts `kubectl rollout status` compares.
 */
import { isDeepStrictEqual } from 'node:util';
import { asObject, asObjectList, type KubeObject } from '../kubeObject.js';
import type { StoredEvent } from '../objectStore.js';
import {
  controllerReference,
  isAbout,
  splitKey,
  type ControllerContext,
} from './controllerContext.js';
import {
  isPodActive,
  isPodFinished,
  isPodReady,
  podFromTemplate,
  templateHash,
  templateOf,
} from './podTemplates.js';
import { OwnerController } from './ownerController.js';
import { scaledIntOrPercent } from './quantities.js';

type Json = Record<string, unknown>;

const COMPONENT = 'daemonset-controller';
const REVISION_LABEL = 'controller-revision-hash';
const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/** What kube-controller-manager lets every daemon pod tolerate, so that daemons run anywhere. */
const DAEMON_TOLERATIONS: Json[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

const nodeNameOf = (pod: KubeObject): string => String(asObject(pod.spec).nodeName ?? '');

/** Whether a daemon pod may start on a node, and whether one already there may stay. */
interface Fit {
  run: boolean;
  stay: boolean;
}

export class DaemonSetController extends OwnerController {
  constructor(context: ControllerContext) {
    super(context, 'daemonset', context.kinds.daemonSet, context.kinds.pod);
  }

  protected override keysFor(event: StoredEvent): string[] {
    // A node that comes, goes or changes its labels or taints can matter to every DaemonSet.
    if (isAbout(event, this.context.kinds.node)) return this.ownerKeys();
    return super.keysFor(event);
  }

  protected sync(key: string): void {
    const { resources, kinds } = this.context;
    const [namespace, name] = splitKey(key);
    const daemonSet = resources.find(kinds.daemonSet, namespace, name);
    if (!daemonSet || daemonSet.metadata.deletionTimestamp) return;
    const template = templateOf(daemonSet);
    const hash = templateHash(template);
    const fits = new Map(
      resources
        .list(kinds.node, undefined)
        .items.map((node) => [node.metadata.name, fitOf(node, asObject(template.spec))] as const),
    );

    this.removeStrayPods(daemonSet, fits);
    const strategy = asObject(asObject(daemonSet.spec).updateStrategy);
    if ((strategy.type ?? 'RollingUpdate') === 'RollingUpdate') {
      this.rollOut(daemonSet, fits, hash, asObject(strategy.rollingUpdate));
    }
    const placed = this.podsByNode(daemonSet);
    for (const [node, fit] of [...fits].sort(([a], [b]) => a.localeCompare(b))) {
      if (fit.run && !placed.has(node)) this.createPod(daemonSet, template, hash, node);
    }
    this.writeStatus(daemonSet, fits, hash);
  }

  /** Pods on nodes they may not stay on or that are gone, finished pods, and duplicates. */
  private removeStrayPods(daemonSet: KubeObject, fits: Map<string, Fit>): void {
    for (const [node, pods] of this.podsByNode(daemonSet, true)) {
      const finished = pods.filter(isPodFinished);
      const running = pods.filter((pod) => !isPodFinished(pod));
      const keep = fits.get(node)?.stay ? running.sort(keepOrder).slice(0, 1) : [];
      for (const pod of [...finished, ...running.filter((pod) => !keep.includes(pod))]) {
        this.deletePod(daemonSet, pod);
      }
    }
  }

  /**
   * Deletes old pods that may go now: unavailable ones always, available ones while fewer than
   * `maxUnavailable` nodes lack an available updated pod. Their replacements are created next.
   */
  private rollOut(daemonSet: KubeObject, fits: Map<string, Fit>, hash: string, rolling: Json) {
    const wanted = [...fits].filter(([, fit]) => fit.run).map(([node]) => node);
    // Never zero: the sandbox does not surge (start the new pod before the old one goes), so a
    // budget of zero, valid alongside `maxSurge`, would stall the rollout.
    const budget = Math.max(
      1,
      scaledIntOrPercent(rolling.maxUnavailable ?? 1, wanted.length, true),
    );
    const placed = this.podsByNode(daemonSet);
    let unavailable = 0;
    const candidates: KubeObject[] = [];
    for (const node of wanted.sort()) {
      const pod = placed.get(node)?.[0];
      if (!pod) unavailable++;
      else if (pod.metadata.labels?.[REVISION_LABEL] === hash) {
        if (!isPodReady(pod)) unavailable++;
      } else if (!isPodReady(pod)) this.deletePod(daemonSet, pod);
      else candidates.push(pod);
    }
    for (const pod of candidates.slice(0, Math.max(0, budget - unavailable))) {
      this.deletePod(daemonSet, pod);
    }
  }

  /** The daemon set's pods by node name; active ones only unless `all`. */
  private podsByNode(daemonSet: KubeObject, all = false): Map<string, KubeObject[]> {
    const { kinds } = this.context;
    const byNode = new Map<string, KubeObject[]>();
    for (const pod of this.context.owners.controlledBy(daemonSet, kinds.pod)) {
      if (pod.metadata.deletionTimestamp) continue;
      if (!all && !isPodActive(pod)) continue;
      const node = nodeNameOf(pod);
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    return byNode;
  }

  private createPod(daemonSet: KubeObject, template: Json, hash: string, node: string): void {
    const { resources, kinds, events } = this.context;
    const pod = podFromTemplate(
      template,
      controllerReference(daemonSet, kinds.daemonSet),
      { generateName: `${daemonSet.metadata.name}-` },
      {
        labels: {
          [REVISION_LABEL]: hash,
          [TEMPLATE_GENERATION_LABEL]: String(daemonSet.metadata.generation ?? 1),
        },
        nodeName: node,
      },
    );
    const spec = asObject(pod.spec);
    spec.tolerations = withDaemonTolerations(spec.tolerations);
    spec.affinity = {
      ...asObject(spec.affinity),
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] },
          ],
        },
      },
    };
    const created = resources.create(kinds.pod, daemonSet.metadata.namespace, pod);
    events.record(
      daemonSet,
      'Normal',
      'SuccessfulCreate',
      `Created pod: ${created.metadata.name}`,
      COMPONENT,
    );
  }

  private deletePod(daemonSet: KubeObject, pod: KubeObject): void {
    const { resources, kinds, events } = this.context;
    resources.delete(kinds.pod, pod.metadata.namespace, pod.metadata.name);
    events.record(
      daemonSet,
      'Normal',
      'SuccessfulDelete',
      `Deleted pod: ${pod.metadata.name}`,
      COMPONENT,
    );
  }

  private writeStatus(daemonSet: KubeObject, fits: Map<string, Fit>, hash: string): void {
    const { resources, kinds } = this.context;
    const placed = this.podsByNode(daemonSet);
    let desired = 0;
    let scheduled = 0;
    let misscheduled = 0;
    let ready = 0;
    let updated = 0;
    for (const [node, fit] of fits) {
      const pod = placed.get(node)?.[0];
      if (!fit.run) {
        if (pod) misscheduled++;
        continue;
      }
      desired++;
      if (!pod) continue;
      scheduled++;
      if (isPodReady(pod)) ready++;
      if (pod.metadata.labels?.[REVISION_LABEL] === hash) updated++;
    }
    const status = {
      currentNumberScheduled: scheduled,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: daemonSet.metadata.generation,
      updatedNumberScheduled: updated,
      numberAvailable: ready,
      ...(desired > ready ? { numberUnavailable: desired - ready } : {}),
    };
    if (!isDeepStrictEqual(daemonSet.status, status)) {
      resources.update(
        kinds.daemonSet,
        daemonSet.metadata.namespace,
        daemonSet.metadata.name,
        { ...daemonSet, status },
        { subresource: 'status' },
      );
    }
  }
}

/** Ready pods first, then the oldest: the one to keep when a node has several. */
function keepOrder(a: KubeObject, b: KubeObject): number {
  return (
    Number(isPodReady(b)) - Number(isPodReady(a)) ||
    String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp))
  );
}

/**
 * A node's fit for a pod spec: its labels must satisfy `nodeSelector`; a `NoSchedule` taint the
 * pod does not tolerate keeps new pods off, a `NoExecute` one also evicts pods already there.
 */
function fitOf(node: KubeObject, podSpec: Json): Fit {
  const selector = asObject(podSpec.nodeSelector);
  const selected = Object.entries(selector).every(
    ([key, value]) => node.metadata.labels?.[key] === value,
  );
  if (!selected) return { run: false, stay: false };
  const tolerations = withDaemonTolerations(podSpec.tolerations);
  const untolerated = asObjectList(asObject(node.spec).taints).filter(
    (taint) => !tolerations.some((toleration) => tolerates(toleration, taint)),
  );
  return {
    run: !untolerated.some(
      (taint) => taint.effect === 'NoSchedule' || taint.effect === 'NoExecute',
    ),
    stay: !untolerated.some((taint) => taint.effect === 'NoExecute'),
  };
}

function tolerates(toleration: Json, taint: Json): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}

/** The template's tolerations plus the daemon ones it does not already have. */
function withDaemonTolerations(tolerations: unknown): Json[] {
  const own = asObjectList(tolerations);
  const missing = DAEMON_TOLERATIONS.filter(
    (daemon) => !own.some((toleration) => toleration.key === daemon.key),
  );
  return [...own, ...missing];
}
