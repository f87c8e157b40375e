/**
 * Kubernetes `Event`s for the transitions people look for (`kubectl describe`, the cluster view):
 * a repeat of the same reason and message about the same object bumps `count` and
 * `lastTimestamp` instead of adding an Event, and each namespace keeps a bounded number of them.
 */
import { ApiError } from '../apiStatus.js';
import { timestamp, type KubeObject } from '../kubeObject.js';
import { generatedName } from '../objectMeta.js';
import type { ResourceService } from '../resourceService.js';
import type { ResourceType } from '../resourceTypes.js';

export type EventType = 'Normal' | 'Warning';

const MAX_EVENTS_PER_NAMESPACE = 1_000;

export class EventRecorder {
  /** Events created per namespace since its last trim. */
  private readonly addedSinceTrim = new Map<string, number>();
  /** `involvedObject uid|reason|message` → event name, for counting repeats. */
  private readonly recent = new Map<string, { namespace: string; name: string }>();

  constructor(
    private readonly resources: ResourceService,
    private readonly eventType: ResourceType,
  ) {}

  /** Records an event; best effort, as in Kubernetes: a namespace being deleted takes none. */
  record(subject: KubeObject, type: EventType, reason: string, message: string, component: string) {
    try {
      this.write(subject, type, reason, message, component);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
  }

  private write(
    subject: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    component: string,
  ): void {
    const namespace = subject.metadata.namespace || 'default';
    const now = timestamp();
    const repeatKey = `${subject.metadata.uid}|${reason}|${message}`;
    const previous = this.recent.get(repeatKey);
    const existing =
      previous && this.resources.find(this.eventType, previous.namespace, previous.name);
    if (existing) {
      this.resources.update(this.eventType, namespace, existing.metadata.name, {
        ...existing,
        count: Number(existing.count ?? 1) + 1,
        lastTimestamp: now,
      });
      return;
    }
    const created = this.resources.create(this.eventType, namespace, {
      metadata: { name: generatedName(`${subject.metadata.name}.`), namespace },
      involvedObject: {
        apiVersion: subject.apiVersion,
        kind: subject.kind,
        name: subject.metadata.name,
        namespace: subject.metadata.namespace,
        uid: subject.metadata.uid,
        resourceVersion: subject.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component },
      reportingComponent: component,
      reportingInstance: 'weft-sandbox',
    });
    if (this.recent.size > MAX_EVENTS_PER_NAMESPACE * 10) this.recent.clear();
    this.recent.set(repeatKey, { namespace, name: created.metadata.name });
    // Trimming lists the namespace's events: do it only once they are well past the bound.
    const added = (this.addedSinceTrim.get(namespace) ?? 0) + 1;
    this.addedSinceTrim.set(namespace, added);
    if (added > MAX_EVENTS_PER_NAMESPACE / 10) {
      this.addedSinceTrim.delete(namespace);
      this.trim(namespace);
    }
  }

  /** Deletes the oldest events of a namespace past the bound, as the events TTL would. */
  private trim(namespace: string): void {
    const events = this.resources.list(this.eventType, namespace).items;
    if (events.length <= MAX_EVENTS_PER_NAMESPACE) return;
    const oldest = [...events]
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .slice(0, events.length - MAX_EVENTS_PER_NAMESPACE);
    for (const event of oldest)
      this.resources.delete(this.eventType, namespace, event.metadata.name);
  }
}
