/**
 * Drift findings as the derived room holds them: one per field that differs, with a line a
 * person reads on the canvas. A Secret's values never enter them (every viewer of the design
 * reads the derived room); they say only that a value differs.
 */
import { driftPath, type DriftFinding, type DriftStep } from '../../shared/deploy/drift.js';
import { isJsonObject, type Component, type JsonValue } from '../../shared/design/model.js';
import type { DeployedObject } from './deployedObjects.js';
import type { FieldDrift } from './fieldDrift.js';

/** What a Secret's values are shown as. */
export const HIDDEN = '(hidden)';
/** Values longer than this are cut in messages (the finding keeps them whole). */
const MAX_QUOTED = 80;

/** The findings of one component on one connection (`connectionName` for the messages). */
export function driftFindings(
  connection: { id: string; name: string },
  object: DeployedObject,
  component: Component,
  drift: readonly FieldDrift[] | 'missing',
): DriftFinding[] {
  const where = {
    connection: connection.id,
    component: object.component,
    kind: object.kind,
    ...(object.namespace ? { namespace: object.namespace } : {}),
    name: object.name,
  };
  if (drift === 'missing') {
    return [
      {
        ...where,
        path: 'config',
        designValue: hide(component.kind, ['config'], component.config),
        clusterValue: null,
        message: `${object.kind} ${object.name} is missing on ${connection.name}`,
      },
    ];
  }
  return drift.map(({ steps, designValue, clusterValue }) => {
    const shownDesign = hide(component.kind, steps, designValue);
    const shownCluster = clusterValue === null ? null : hide(component.kind, steps, clusterValue);
    const field = fieldName(steps);
    const message =
      shownCluster === null
        ? `${field} is not set on ${connection.name}; the design says ${quote(shownDesign)}`
        : `${field} is ${quote(shownCluster)} on ${connection.name}; the design says ${quote(shownDesign)}`;
    return {
      ...where,
      path: driftPath(steps),
      designValue: shownDesign,
      clusterValue: shownCluster,
      message,
    };
  });
}

/** What a message calls a field: its last key, with the item it is in (`containers[0]`). */
function fieldName(steps: readonly DriftStep[]): string {
  const [first] = steps;
  if ((first === 'labels' || first === 'annotations') && steps.length === 2) {
    return `${first === 'labels' ? 'label' : 'annotation'} ${String(steps[1])}`;
  }
  const lastKey = steps.findLastIndex((step) => typeof step === 'string');
  return driftPath(steps.slice(lastKey)) || driftPath(steps);
}

function quote(value: JsonValue): string {
  const text =
    typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

/** `value` with a Secret's data and stringData values replaced by HIDDEN. */
function hide(kind: string, steps: readonly DriftStep[], value: JsonValue): JsonValue {
  if (kind !== 'Secret') return value;
  const inData = (key: DriftStep | undefined) => key === 'data' || key === 'stringData';
  if (steps.length === 1 && isJsonObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [key, inData(key) ? hideAll(entry) : entry]),
    );
  }
  return inData(steps[1]) ? hideAll(value) : value;
}

function hideAll(value: JsonValue): JsonValue {
  if (!isJsonObject(value)) return HIDDEN;
  return Object.fromEntries(Object.keys(value).map((key) => [key, HIDDEN]));
}
