/**
 * The pod columns of `kubectl get pods`: READY counts ready containers, STATUS sums up the
 * containers' states the way kubectl users know it (`Running`, `Pending`, `Completed`,
 * `CrashLoopBackOff`, `ImagePullBackOff`, `ContainerCreating`, `Init:0/1`, `Terminating`) and
 * RESTARTS adds when the last one was (`3 (42s ago)`). Wide output adds IP, node, nominated node
 * and readiness gates.
 */
import type { KubeObject } from '../kubeObject.js';
import { humanDuration } from './humanDuration.js';
import { ageOf, at, count, objects, orNone, text, type Json } from './cells.js';
import {
  ageColumn,
  column,
  doc,
  nameColumn,
  printer,
  wideColumn,
  type Printer,
  type RowCondition,
} from './printer.js';

interface Summary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  /** When a container last terminated before a restart, ms since the epoch; 0 if never. */
  lastRestart: number;
}

const hasCondition = (status: unknown, type: string): boolean =>
  objects(at(status, 'conditions')).some((c) => c.type === type && c.status === 'True');

/** Sidecars: init containers that keep running, and count as the pod's containers. */
const isSidecar = (container: Json | undefined): boolean => container?.restartPolicy === 'Always';

/** When a container's previous run ended, if it has restarted. */
const lastTermination = (status: Json): number => {
  const finished = text(at(status, 'lastState', 'terminated', 'finishedAt'));
  const time = finished ? Date.parse(finished) : NaN;
  return Number.isNaN(time) ? 0 : time;
};

/** `Error`, or `ExitCode:1` / `Signal:9` for a terminated state that gives no reason. */
const terminatedReason = (terminated: Json): string =>
  text(terminated.reason) ||
  (count(terminated.signal) !== 0
    ? `Signal:${count(terminated.signal)}`
    : `ExitCode:${count(terminated.exitCode)}`);

/**
 * The status an init container gives the pod while it blocks the others, or `undefined` once it
 * has done its part (exited 0, or started as a sidecar).
 */
function initReason(status: Json, sidecar: boolean, index: number, of: number): string | undefined {
  const terminated = at(status, 'state', 'terminated') as Json | undefined;
  const waiting = text(at(status, 'state', 'waiting', 'reason'));
  if (terminated && count(terminated.exitCode) === 0) return undefined;
  if (sidecar && status.started === true) return undefined;
  if (terminated) return `Init:${terminatedReason(terminated)}`;
  if (waiting && waiting !== 'PodInitializing') return `Init:${waiting}`;
  return `Init:${index}/${of}`;
}

/** The READY, STATUS and RESTARTS facts about a pod, as kubectl works them out. */
function summarize(pod: KubeObject): Summary {
  const { spec, status } = pod;
  const initSpecs = objects(at(spec, 'initContainers'));
  const initByName = new Map(initSpecs.map((container) => [text(container.name), container]));
  const summary: Summary = {
    ready: 0,
    total: objects(at(spec, 'containers')).length + initSpecs.filter(isSidecar).length,
    reason: text(at(status, 'reason')) || text(at(status, 'phase')),
    restarts: 0,
    lastRestart: 0,
  };
  const conditions = objects(at(status, 'conditions'));
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    summary.reason = 'SchedulingGated';
  }
  // Sidecars' restarts count in any case; other init containers' only while initializing.
  let sidecarRestarts = 0;
  let sidecarLastRestart = 0;
  let initializing = false;
  const initStatuses = objects(at(status, 'initContainerStatuses'));
  for (const [index, container] of initStatuses.entries()) {
    const sidecar = isSidecar(initByName.get(text(container.name)));
    summary.restarts += count(container.restartCount);
    summary.lastRestart = Math.max(summary.lastRestart, lastTermination(container));
    if (sidecar) {
      sidecarRestarts += count(container.restartCount);
      sidecarLastRestart = Math.max(sidecarLastRestart, lastTermination(container));
      const exitedCleanly = count(at(container, 'state', 'terminated', 'exitCode')) === 0;
      const done = at(container, 'state', 'terminated') !== undefined && exitedCleanly;
      if (!done && container.started === true && container.ready === true) summary.ready++;
    }
    const reason = initReason(container, sidecar, index, initSpecs.length);
    if (reason !== undefined) {
      summary.reason = reason;
      initializing = true;
      break;
    }
  }
  if (!initializing || hasCondition(status, 'Initialized')) {
    summary.restarts = sidecarRestarts;
    summary.lastRestart = sidecarLastRestart;
    let running = false;
    // From the last container to the first, so that the first one's trouble is what shows.
    for (const container of objects(at(status, 'containerStatuses')).reverse()) {
      summary.restarts += count(container.restartCount);
      summary.lastRestart = Math.max(summary.lastRestart, lastTermination(container));
      const waiting = text(at(container, 'state', 'waiting', 'reason'));
      const terminated = at(container, 'state', 'terminated') as Json | undefined;
      if (waiting) summary.reason = waiting;
      else if (terminated) summary.reason = terminatedReason(terminated);
      else if (container.ready === true && at(container, 'state', 'running') !== undefined) {
        running = true;
        summary.ready++;
      }
    }
    // One container done while another still runs: the pod is not complete yet.
    if (summary.reason === 'Completed' && running) {
      summary.reason = hasCondition(status, 'Ready') ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp) {
    const phase = text(at(status, 'phase'));
    if (text(at(status, 'reason')) === 'NodeLost') summary.reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') summary.reason = 'Terminating';
  }
  return summary;
}

function restartsCell({ restarts, lastRestart }: Summary, now: number): string {
  if (restarts === 0 || lastRestart === 0) return String(restarts);
  return `${restarts} (${humanDuration(now - lastRestart)} ago)`;
}

/** `1/2` of the readiness gates whose condition is True, or `<none>`. */
function readinessGatesCell(pod: KubeObject): string {
  const gates = objects(at(pod.spec, 'readinessGates'));
  if (gates.length === 0) return '<none>';
  const conditions = objects(at(pod.status, 'conditions'));
  const passed = gates.filter(
    (gate) => conditions.find((c) => c.type === gate.conditionType)?.status === 'True',
  );
  return `${passed.length}/${gates.length}`;
}

const podIp = (pod: KubeObject): string =>
  text(at(objects(at(pod.status, 'podIPs'))[0], 'ip')) || text(at(pod.status, 'podIP'));

const FINISHED: Record<string, RowCondition[]> = {
  Succeeded: [
    {
      type: 'Completed',
      status: 'True',
      reason: 'Succeeded',
      message: 'The pod has completed successfully.',
    },
  ],
  Failed: [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }],
};

/** `kubectl get pods`: NAME, READY, STATUS, RESTARTS, AGE; wide IP, NODE, NOMINATED NODE, READINESS GATES. */
export const podPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageColumn(),
    wideColumn('IP', 'string', doc('core.v1.PodStatus', 'podIP')),
    wideColumn('Node', 'string', doc('core.v1.PodSpec', 'nodeName')),
    wideColumn('Nominated Node', 'string', doc('core.v1.PodStatus', 'nominatedNodeName')),
    wideColumn('Readiness Gates', 'string', doc('core.v1.PodSpec', 'readinessGates')),
  ],
  (pod, now) => {
    const summary = summarize(pod);
    return [
      pod.metadata.name,
      `${summary.ready}/${summary.total}`,
      summary.reason,
      restartsCell(summary, now),
      ageOf(pod, now),
      orNone(podIp(pod)),
      orNone(text(at(pod.spec, 'nodeName'))),
      orNone(text(at(pod.status, 'nominatedNodeName'))),
      readinessGatesCell(pod),
    ];
  },
  (pod) => FINISHED[text(at(pod.status, 'phase'))],
);
