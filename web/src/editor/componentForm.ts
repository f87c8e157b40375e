/**
 * The property form's common fields, read from and written to a plain component. Writes return
 * a changed copy; the panel hands it to `updateComponent`, which stores only what differs, so a
 * form edit touches one field of the shared document.
 */
import type { Component, JsonObject, JsonValue } from '../../../shared/design/model';
import { asJsonObject } from '../../../shared/design/model';

/** Where the pod spec sits in each kind that runs containers. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export interface ContainerFields {
  image: string;
  /** Container ports, comma-separated. */
  ports: string;
  /** `NAME=value` lines. */
  env: string;
  cpuRequest: string;
  memoryRequest: string;
  cpuLimit: string;
  memoryLimit: string;
}

export const runsContainers = (kind: string) => kind in POD_SPEC_PATHS;

function at(object: JsonObject, path: readonly string[]): JsonObject {
  let current = object;
  for (const step of path) current = asJsonObject(current[step]);
  return current;
}

/** A deep copy with the object at `path` of its `config` (created as needed) passed to `change`. */
export function editAt(
  component: Component,
  path: readonly string[],
  change: (o: JsonObject) => void,
) {
  const copy = structuredClone(component);
  let current = copy.config;
  for (const step of path) {
    if (
      typeof current[step] !== 'object' ||
      current[step] === null ||
      Array.isArray(current[step])
    ) {
      current[step] = {};
    }
    current = current[step] as JsonObject;
  }
  change(current);
  return copy;
}

function firstContainer(component: Component): JsonObject {
  const containers = at(component.config, POD_SPEC_PATHS[component.kind] ?? []).containers;
  return Array.isArray(containers) ? asJsonObject(containers[0]) : {};
}

export function readContainer(component: Component): ContainerFields {
  const container = firstContainer(component);
  const resources = asJsonObject(container.resources);
  const text = (value: JsonValue | undefined) => (typeof value === 'string' ? value : '');
  const ports = Array.isArray(container.ports) ? container.ports : [];
  const env = Array.isArray(container.env) ? container.env : [];
  return {
    image: text(container.image),
    ports: ports.map((port) => String(asJsonObject(port).containerPort ?? '')).join(', '),
    env: env
      .map((entry) => `${text(asJsonObject(entry).name)}=${text(asJsonObject(entry).value)}`)
      .join('\n'),
    cpuRequest: text(asJsonObject(resources.requests).cpu),
    memoryRequest: text(asJsonObject(resources.requests).memory),
    cpuLimit: text(asJsonObject(resources.limits).cpu),
    memoryLimit: text(asJsonObject(resources.limits).memory),
  };
}

/** Writes one container field into the first container (creating it if there is none). */
export function writeContainerField(
  component: Component,
  field: keyof ContainerFields,
  value: string,
): Component {
  return editAt(component, POD_SPEC_PATHS[component.kind] ?? [], (podSpec) => {
    const containers = Array.isArray(podSpec.containers) ? podSpec.containers : [];
    const container = asJsonObject(containers[0]);
    if (containers.length === 0) container.name = 'app';
    containers[0] = container;
    podSpec.containers = containers;
    switch (field) {
      case 'image':
        container.image = value;
        break;
      case 'ports':
        container.ports = value
          .split(/[\s,]+/)
          .map(Number)
          .filter((port) => Number.isInteger(port) && port > 0 && port < 65536)
          .map((containerPort) => ({ containerPort }));
        break;
      case 'env':
        container.env = parseLines(value).map(([name, entry]) => ({ name, value: entry }));
        break;
      default: {
        const [group, resource] = RESOURCE_FIELDS[field]!;
        const resources = asJsonObject(container.resources);
        const entries = asJsonObject(resources[group]);
        if (value.trim()) entries[resource] = value.trim();
        else delete entries[resource];
        resources[group] = entries;
        container.resources = resources;
      }
    }
  });
}

const RESOURCE_FIELDS: Record<string, [string, string]> = {
  cpuRequest: ['requests', 'cpu'],
  memoryRequest: ['requests', 'memory'],
  cpuLimit: ['limits', 'cpu'],
  memoryLimit: ['limits', 'memory'],
};

/** `key=value` lines (blank lines and lines without a key are skipped). */
export function parseLines(text: string): [string, string][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line): [string, string] => {
      const equals = line.indexOf('=');
      return equals < 0
        ? [line, '']
        : [line.slice(0, equals).trim(), line.slice(equals + 1).trim()];
    })
    .filter(([key]) => key !== '');
}

export const printLines = (record: Record<string, string>): string =>
  Object.entries(record)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
