/**
 * `?watch=true`: a chunked stream of JSON lines `{"type":…,"object":…}`, as kube-apiserver sends.
 *
 * Where a watch starts follows the `resourceVersion` rules: unset or `0` first sends the current
 * objects as `ADDED`; any other version replays the stored events after it, or, when those
 * have been compacted away, sends one `ERROR` event with a 410 `Status` and ends (informers then
 * relist). A selector is applied to each event as kube-apiserver's watch cache does: an object
 * that stops matching arrives as `DELETED`, one that starts matching as `ADDED`.
 */
import { expired } from './apiStatus.js';
import type { KubeObject } from './kubeObject.js';
import type { ObjectStore, StoredEvent } from './objectStore.js';
import { jsonOf } from './serializedObjects.js';
import { apiVersionOf, groupResourceOf, type ResourceType } from './resourceTypes.js';
import type { FieldSelector, Selector } from './selectors.js';

export interface WatchOptions {
  type: ResourceType;
  namespace?: string;
  labelSelector?: Selector;
  fieldSelector?: FieldSelector;
  /** The `resourceVersion` to start after; `undefined` or 0 starts with the current objects. */
  after?: number;
  bookmarks: boolean;
  timeoutMs: number;
  /**
   * How each event's object is written, as JSON text; the stored object itself when absent.
   * Server-side printing passes one that writes a one-row Table instead.
   */
  encodeObject?: (object: KubeObject) => string;
}

export interface WatchLimits {
  bookmarkIntervalMs: number;
  /** A watcher this many bytes behind is cut off (kube-apiserver drops slow watchers too). */
  maxQueuedBytes: number;
}

export const DEFAULT_WATCH_LIMITS: WatchLimits = {
  bookmarkIntervalMs: 15_000,
  maxQueuedBytes: 64 * 1024 * 1024,
};

/** Watch streams under way, so that shutdown can end them. */
export class Watches {
  private readonly open = new Set<() => void>();
  constructor(
    private readonly store: ObjectStore,
    private readonly limits: WatchLimits = DEFAULT_WATCH_LIMITS,
  ) {}

  /** The body of a watch response. */
  stream(options: WatchOptions): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    const { store, limits } = this;
    let finish = () => {};
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          const send = (line: string) => {
            controller.enqueue(encoder.encode(line));
            if ((controller.desiredSize ?? 0) < 0) finish();
          };
          const matches = eventFilter(options);
          const encode = options.encodeObject ?? jsonOf;
          const deliver = (event: StoredEvent) => {
            const type = matches(event);
            if (type) send(objectLine(type, event.object, encode));
          };

          if (!options.after) {
            for (const object of store.list(groupResourceOf(options.type), options.namespace)) {
              if (matchesObject(options, object)) send(objectLine('ADDED', object, encode));
            }
          } else {
            const missed = store.eventsAfter(options.after);
            if (!missed) {
              const status = expired(
                `too old resource version: ${options.after} (${store.oldestResumable})`,
              );
              controller.enqueue(encoder.encode(line('ERROR', status.toStatus())));
              controller.close();
              return;
            }
            missed.forEach(deliver);
          }
          const unsubscribe = store.subscribe(deliver);
          const bookmarks = options.bookmarks
            ? setInterval(
                () => send(bookmarkLine(options.type, store.revision)),
                limits.bookmarkIntervalMs,
              )
            : undefined;
          const timeout = setTimeout(() => finish(), options.timeoutMs);
          finish = () => {
            finish = () => {};
            unsubscribe();
            clearInterval(bookmarks);
            clearTimeout(timeout);
            this.open.delete(finish);
            try {
              controller.close();
            } catch {
              // Already cancelled by the client: nothing left to close.
            }
          };
          this.open.add(finish);
        },
        cancel: () => finish(),
      },
      { highWaterMark: limits.maxQueuedBytes, size: (chunk) => chunk.byteLength },
    );
  }

  /** Ends every watch; clients reconnect and resume from their last `resourceVersion`. */
  closeAll(): void {
    for (const finish of [...this.open]) finish();
  }
}

type EventType = StoredEvent['type'];

function eventFilter(options: WatchOptions): (event: StoredEvent) => EventType | undefined {
  const resource = groupResourceOf(options.type);
  return (event) => {
    if (event.resource !== resource) return undefined;
    const now = matchesObject(options, event.object);
    if (event.type !== 'MODIFIED') return now ? event.type : undefined;
    const before = matchesObject(options, event.previous!);
    if (now) return before ? 'MODIFIED' : 'ADDED';
    return before ? 'DELETED' : undefined;
  };
}

function matchesObject(options: WatchOptions, object: KubeObject): boolean {
  if (options.namespace !== undefined && object.metadata.namespace !== options.namespace) {
    return false;
  }
  if (options.labelSelector && !options.labelSelector.matches(object.metadata.labels)) return false;
  return !options.fieldSelector || options.fieldSelector.matches(object);
}

const line = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;

/** An object's event line; its JSON text is shared with every watcher and list that sends it. */
const objectLine = (type: EventType, object: KubeObject, encode: (o: KubeObject) => string) =>
  `{"type":"${type}","object":${encode(object)}}\n`;

function bookmarkLine(type: ResourceType, revision: number): string {
  return line('BOOKMARK', {
    kind: type.kind,
    apiVersion: apiVersionOf(type),
    metadata: { resourceVersion: String(revision) },
  });
}
