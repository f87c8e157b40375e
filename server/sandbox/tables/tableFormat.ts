/**
 * The `meta.k8s.io` `Table` documents of server-side printing: column definitions, then one
 * row per object with its cells and, as `includeObject` asks, nothing, its metadata or the
 * object itself. Watches send one Table per event, the columns only in the first, as
 * kube-apiserver does to save bandwidth (kubectl keeps the columns it has seen).
 */
import type { KubeObject } from '../kubeObject.js';
import type { ResourceType } from '../resourceTypes.js';
import { jsonOf, withJsonArray } from '../serializedObjects.js';
import type { Printer } from './printer.js';
import { printerFor } from './printers.js';
import type { TableRequest } from './tableRequest.js';

/** `resourceVersion`, `continue` and `remainingItemCount`, as the list would have them. */
export type TableMeta = Record<string, unknown>;

/** What a row carries besides its cells, as JSON text. */
function rowObjectJson(object: KubeObject, request: TableRequest): string {
  switch (request.includeObject) {
    case 'None':
      return 'null';
    case 'Object':
      // The stored object's cached text, shared with lists and watches.
      return jsonOf(object);
    case 'Metadata':
      return JSON.stringify({
        kind: 'PartialObjectMetadata',
        apiVersion: `meta.k8s.io/${request.version}`,
        metadata: object.metadata,
      });
    default: {
      const unreachable: never = request.includeObject;
      return unreachable;
    }
  }
}

function rowJson(printer: Printer, object: KubeObject, request: TableRequest, now: number) {
  const conditions = printer.conditions?.(object);
  const cells = JSON.stringify(printer.cells(object, now));
  const conditionsJson = conditions ? `,"conditions":${JSON.stringify(conditions)}` : '';
  return `{"cells":${cells}${conditionsJson},"object":${rowObjectJson(object, request)}}`;
}

/**
 * A Table of `objects` of one kind, ages counted to `now`. `withColumns: false` leaves the
 * column definitions out, for watch events after the first.
 *
 * @example tableJson(pods, result.items, { resourceVersion: '42' }, request)
 */
export function tableJson(
  type: ResourceType,
  objects: readonly KubeObject[],
  metadata: TableMeta,
  request: TableRequest,
  { now = Date.now(), withColumns = true } = {},
): string {
  const printer = printerFor(type);
  const head = {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${request.version}`,
    metadata,
    columnDefinitions: withColumns ? printer.columns() : [],
  };
  const rows = objects.map((object) => rowJson(printer, object, request, now));
  return withJsonArray(head, 'rows', rows);
}

/** A Table of one object, with its `resourceVersion`, as `GET` of a named object answers. */
export const objectTableJson = (type: ResourceType, object: KubeObject, request: TableRequest) =>
  tableJson(type, [object], { resourceVersion: object.metadata.resourceVersion }, request);

/**
 * How a watch that asked for Tables writes each event's object: a one-row Table, with the
 * column definitions in the first event only.
 */
export function tableWatchEncoder(
  type: ResourceType,
  request: TableRequest,
): (object: KubeObject) => string {
  let withColumns = true;
  return (object) => {
    const metadata = { resourceVersion: object.metadata.resourceVersion };
    const text = tableJson(type, [object], metadata, request, { withColumns });
    withColumns = false;
    return text;
  };
}
