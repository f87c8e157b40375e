/**
 * The kinds a CustomResourceDefinition brings: one `ResourceType` per served version, with the
 * names, scope, subresources and schema the CRD declares. Routing, discovery, storage, the
 * OpenAPI documents and validation then treat them like any built-in kind.
 */
import { asJsonObject, type JsonObject } from '../../shared/design/model.js';
import { openApiSchemaOf, servedVersions } from '../models/crdImport.js';
import type { KubeObject } from './kubeObject.js';
import type { PrinterColumn, ResourceType, ScalePaths, Subresource } from './resourceTypes.js';

/** The names a CRD declares, with kube-apiserver's defaults for `singular` and `listKind`. */
export interface CrdNames {
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** `spec.names` of a CRD, defaults filled in. */
export function crdNamesOf(crd: KubeObject): CrdNames {
  const names = asJsonObject(asJsonObject(crd.spec).names);
  const kind = text(names.kind);
  return {
    plural: text(names.plural),
    singular: text(names.singular) || kind.toLowerCase(),
    kind,
    listKind: text(names.listKind) || (kind ? `${kind}List` : ''),
    shortNames: strings(names.shortNames),
    categories: strings(names.categories),
  };
}

const VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;
const STABILITY = { '': 0, beta: 1, alpha: 2 } as const;

/**
 * Kubernetes' version priority, highest first: GA by major version, then betas, then alphas
 * (by major, then minor), then anything else alphabetically: `v2, v1, v1beta2, v1alpha1, foo`.
 * The first served version is the group's preferred one in discovery.
 */
export function compareVersions(a: string, b: string): number {
  const left = VERSION.exec(a);
  const right = VERSION.exec(b);
  if (!left || !right) return left ? -1 : right ? 1 : a.localeCompare(b);
  const rank = (match: RegExpExecArray) => [
    STABILITY[(match[2] ?? '') as keyof typeof STABILITY],
    -Number(match[1]),
    -Number(match[3] ?? 0),
  ];
  const [x, y] = [rank(left), rank(right)];
  return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
}

function scalePathsOf(subresources: JsonObject): ScalePaths | undefined {
  const scale = subresources.scale;
  if (scale === undefined || scale === null) return undefined;
  const { specReplicasPath, statusReplicasPath, labelSelectorPath } = asJsonObject(scale);
  if (typeof specReplicasPath !== 'string' || typeof statusReplicasPath !== 'string') {
    return undefined;
  }
  return {
    specReplicasPath,
    statusReplicasPath,
    ...(typeof labelSelectorPath === 'string' ? { labelSelectorPath } : {}),
  };
}

/** A version's `additionalPrinterColumns` that name a column and a JSON path. */
function printerColumnsOf(version: JsonObject): PrinterColumn[] {
  const columns = Array.isArray(version.additionalPrinterColumns)
    ? version.additionalPrinterColumns
    : [];
  return columns.map(asJsonObject).flatMap((column) => {
    const { name, type, jsonPath, format, description, priority } = column;
    if (typeof name !== 'string' || typeof jsonPath !== 'string') return [];
    return [
      {
        name,
        type: typeof type === 'string' ? type : 'string',
        jsonPath,
        ...(typeof format === 'string' ? { format } : {}),
        ...(typeof description === 'string' ? { description } : {}),
        ...(typeof priority === 'number' ? { priority } : {}),
      },
    ];
  });
}

/** The kinds `crd` defines, preferred version first; `[]` for one that names no kind. */
export function customResourceTypes(crd: KubeObject): ResourceType[] {
  const spec = asJsonObject(crd.spec);
  const names = crdNamesOf(crd);
  const group = text(spec.group);
  if (!group || !names.plural || !names.kind) return [];
  const versions = servedVersions(spec).sort((a, b) =>
    compareVersions(String(a.name), String(b.name)),
  );
  return versions.map((version) => {
    const subresources = asJsonObject(version.subresources);
    const scalePaths = scalePathsOf(subresources);
    const served: Subresource[] = [
      ...(subresources.status !== undefined && subresources.status !== null
        ? (['status'] as const)
        : []),
      ...(scalePaths ? (['scale'] as const) : []),
    ];
    const selectable = Array.isArray(version.selectableFields) ? version.selectableFields : [];
    const printerColumns = printerColumnsOf(version);
    return {
      group,
      version: String(version.name),
      kind: names.kind,
      plural: names.plural,
      singular: names.singular,
      namespaced: spec.scope !== 'Cluster',
      shortNames: names.shortNames,
      categories: names.categories,
      subresources: served,
      // `.spec.colour` in the CRD, `spec.colour` in a field selector.
      selectableFields: selectable
        .map((field) => text(asJsonObject(field).jsonPath).replace(/^\./, ''))
        .filter((path) => path !== ''),
      schema: openApiSchemaOf(version),
      ...(scalePaths ? { scalePaths } : {}),
      ...(printerColumns.length > 0 ? { printerColumns } : {}),
    };
  });
}
