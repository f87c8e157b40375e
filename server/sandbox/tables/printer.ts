/**
 * What server-side printing of one kind is made of: the columns kube-apiserver declares for it
 * (`meta.k8s.io` `TableColumnDefinition`s) and a function from an object to its row's cells.
 * kubectl prints the columns of priority 0 by default and the others with `-o wide`; the server
 * always sends them all.
 */
import { readDescriptions, type TypeDescriptions } from '../../models/kubernetesDescriptions.js';
import type { KubeObject } from '../kubeObject.js';

/** The OpenAPI type of a column's cells; `date` cells of custom resources arrive as ages. */
export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

/** A `TableColumnDefinition`, every field present as kube-apiserver sends it. */
export interface ColumnDefinition {
  /** Title case (`Nominated Node`); kubectl upper-cases it for the header. */
  name: string;
  type: ColumnType;
  /** `name` marks the column kubectl prefixes with the kind (`pod/web-1`); usually empty. */
  format: string;
  description: string;
  /** 0 for default columns, 1 (or more) for those shown with `-o wide` only. */
  priority: number;
}

/** A cell is JSON: strings mostly, numbers for counts, booleans for flags, null for nothing. */
export type Cell = string | number | boolean | null;

/** A row condition; `Completed` tells clients a pod has finished (kubectl may hide those). */
export interface RowCondition {
  type: 'Completed';
  status: 'True';
  reason: string;
  message: string;
}

/** How one kind is printed. */
export interface Printer {
  /** The columns, in the order of each row's cells. */
  columns(): readonly ColumnDefinition[];
  /** One object's cells; ages are counted to `now` (ms since the epoch). */
  cells(object: KubeObject, now: number): Cell[];
  conditions?(object: KubeObject): readonly RowCondition[] | undefined;
}

/**
 * A printer whose columns are worked out on first use: their descriptions come from the API's
 * type declarations, which are only worth reading once someone asks for a table.
 */
export function printer(
  columns: () => ColumnDefinition[],
  cells: Printer['cells'],
  conditions?: Printer['conditions'],
): Printer {
  let defined: ColumnDefinition[] | undefined;
  return { columns: () => (defined ??= columns()), cells, ...(conditions ? { conditions } : {}) };
}

/** A column definition; `priority: 1` for `-o wide` ones. */
export function column(
  name: string,
  type: ColumnType,
  description: string,
  options: { format?: string; priority?: number } = {},
): ColumnDefinition {
  return { name, type, format: options.format ?? '', description, priority: options.priority ?? 0 };
}

/** `column(…, { priority: 1 })` for short. */
export const wideColumn = (name: string, type: ColumnType, description: string) =>
  column(name, type, description, { priority: 1 });

const descriptions = new Map<string, TypeDescriptions | undefined>();

/**
 * The API reference's description of a field, which kube-apiserver gives its columns too:
 * `doc('core.v1.PodStatus', 'podIP')`, `doc('meta.v1.ObjectMeta', 'name')`. Empty if unknown.
 */
export function doc(type: string, field: string): string {
  const id = type.startsWith('meta.')
    ? `io.k8s.apimachinery.pkg.apis.${type}`
    : `io.k8s.api.${type}`;
  if (!descriptions.has(id)) descriptions.set(id, readDescriptions(id));
  return descriptions.get(id)?.fields.get(field) ?? '';
}

/** The NAME column every kind starts with. */
export const nameColumn = (): ColumnDefinition =>
  column('Name', 'string', doc('meta.v1.ObjectMeta', 'name'), { format: 'name' });

/** The AGE column: the time since `metadata.creationTimestamp`. */
export const ageColumn = (): ColumnDefinition =>
  column('Age', 'string', doc('meta.v1.ObjectMeta', 'creationTimestamp'));

/** The wide CONTAINERS and IMAGES columns of kinds with a pod template. */
export const templateColumns = (): ColumnDefinition[] => [
  wideColumn('Containers', 'string', 'Names of each container in the template.'),
  wideColumn('Images', 'string', 'Images referenced by each container in the template.'),
];
