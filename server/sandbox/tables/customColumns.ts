/**
 * Printing custom resources: NAME, then the columns their CRD declares, each cell read with its
 * JSONPath and typed as the column says. `date` values are printed as ages, as kube-apiserver
 * does before they reach kubectl. A CRD that declares none gets NAME and AGE.
 */
import type { KubeObject } from '../kubeObject.js';
import type { PrinterColumn } from '../resourceTypes.js';
import { since } from './humanDuration.js';
import { firstMatch } from './jsonPath.js';
import {
  column,
  doc,
  nameColumn,
  printer,
  type Cell,
  type ColumnType,
  type Printer,
} from './printer.js';

const TYPES = new Set<string>(['string', 'integer', 'number', 'boolean', 'date']);

/** The column a CRD without `additionalPrinterColumns` gets (kube-apiserver defaults it in). */
export const AGE_PRINTER_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};

/** A value as text, for `string` columns: strings as they are, anything else as JSON. */
const asText = (value: unknown): string =>
  typeof value === 'string' ? value : JSON.stringify(value);

/** A found value as a cell of the column's type; `null` when it is not of that type. */
function cellOf(type: string, value: unknown, now: number): Cell {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'string':
      return asText(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      if (typeof value !== 'string') return null;
      return Number.isNaN(Date.parse(value)) ? '<invalid>' : since(value, now);
    default:
      return null;
  }
}

/** The printer of a custom resource with the given columns after NAME. */
export function customPrinter(columns: readonly PrinterColumn[]): Printer {
  return printer(
    () => [
      nameColumn(),
      ...columns.map((printerColumn) =>
        column(
          printerColumn.name,
          (TYPES.has(printerColumn.type) ? printerColumn.type : 'string') as ColumnType,
          printerColumn.description ??
            (printerColumn === AGE_PRINTER_COLUMN
              ? doc('meta.v1.ObjectMeta', 'creationTimestamp')
              : ''),
          { format: printerColumn.format ?? '', priority: printerColumn.priority ?? 0 },
        ),
      ),
    ],
    (object: KubeObject, now: number) => [
      object.metadata.name,
      ...columns.map((printerColumn) =>
        cellOf(printerColumn.type, firstMatch(object, printerColumn.jsonPath), now),
      ),
    ],
  );
}
