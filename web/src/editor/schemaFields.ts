/**
 * The property form's settings, generated from a component's JSON Schema (as the model registry
 * serves it: OpenAPI definitions under `definitions`, reached through `$ref` and `oneOf` with
 * null). Every field a form can edit well becomes one: numbers, booleans, choices, text, lists of
 * text and string maps, both at the top of the configuration and one level into `spec`. Nested
 * objects and lists of objects are the YAML editor's job (containers have their own section).
 */
import type { Component, JsonObject, JsonValue } from '../../../shared/design/model';
import { asJsonObject } from '../../../shared/design/model';
import { editAt, parseLines, printLines } from './componentForm';

export type SchemaFieldKind = 'integer' | 'number' | 'boolean' | 'choice' | 'text' | 'list' | 'map';

export interface SchemaField {
  /** Where the value sits in the component's `config`. */
  path: string[];
  label: string;
  kind: SchemaFieldKind;
  /** The allowed values of a choice. */
  options?: string[];
  minimum?: number;
  description?: string;
}

/** What the form leaves to other places: identity, the server's status, `metadata`. */
const NOT_SETTINGS = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/** The schema a `$ref` or a nullable `oneOf` stands for (one level of indirection at a time). */
function resolve(root: JsonObject, schema: JsonValue | undefined, depth = 0): JsonObject {
  const node = asJsonObject(schema);
  if (depth > 8) return node;
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/definitions/')) {
    const definition = asJsonObject(root.definitions)[ref.slice('#/definitions/'.length)];
    return resolve(root, definition, depth + 1);
  }
  if (Array.isArray(node.oneOf)) {
    const options = node.oneOf.map(asJsonObject).filter((option) => option.type !== 'null');
    if (options.length === 1) return resolve(root, options[0], depth + 1);
  }
  return node;
}

/** Abbreviations a key starts with in lower case (`ipFamilies`), written as people write them. */
const ABBREVIATIONS: Record<string, string> = {
  ip: 'IP',
  ips: 'IPs',
  dns: 'DNS',
  tls: 'TLS',
  cidr: 'CIDR',
  id: 'ID',
  uid: 'UID',
  url: 'URL',
};

/** `minReadySeconds` → "Min ready seconds", keeping acronyms: `loadBalancerIP` → "Load balancer IP". */
export function labelFor(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(' ');
  return words
    .map((word, index) => {
      const abbreviation = ABBREVIATIONS[word];
      if (abbreviation) return abbreviation;
      if (index === 0) return word.charAt(0).toUpperCase() + word.slice(1);
      return /^[A-Z][a-z]/.test(word) ? word.toLowerCase() : word;
    })
    .join(' ');
}

function fieldFor(
  root: JsonObject,
  path: string[],
  raw: JsonValue | undefined,
): SchemaField | null {
  const schema = resolve(root, raw);
  const key = path[path.length - 1]!;
  const base = {
    path,
    label: labelFor(key),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
  };
  if (Array.isArray(schema.enum) && schema.enum.every((value) => typeof value === 'string')) {
    return { ...base, kind: 'choice', options: schema.enum as string[] };
  }
  switch (schema.type) {
    case 'integer':
    case 'number':
      return {
        ...base,
        kind: schema.type,
        ...(typeof schema.minimum === 'number' ? { minimum: schema.minimum } : {}),
      };
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'string':
      return schema.format === 'byte' ? null : { ...base, kind: 'text' };
    case 'array':
      return resolve(root, schema.items).type === 'string' ? { ...base, kind: 'list' } : null;
    case 'object': {
      const values = resolve(root, schema.additionalProperties);
      const stringMap = values.type === 'string' && values.format !== 'byte' && !schema.properties;
      return stringMap ? { ...base, kind: 'map' } : null;
    }
    default:
      return null;
  }
}

/** The form fields a component's schema describes, in the schema's order. */
export function schemaFields(schema: JsonObject): SchemaField[] {
  const fields: SchemaField[] = [];
  const properties = asJsonObject(resolve(schema, schema).properties);
  for (const [key, raw] of Object.entries(properties)) {
    if (NOT_SETTINGS.has(key)) continue;
    if (key === 'spec') {
      const spec = asJsonObject(resolve(schema, raw).properties);
      for (const [inner, innerRaw] of Object.entries(spec)) {
        const field = fieldFor(schema, ['spec', inner], innerRaw);
        if (field) fields.push(field);
      }
      continue;
    }
    const field = fieldFor(schema, [key], raw);
    if (field) fields.push(field);
  }
  return fields;
}

/** The value at a field's path, or undefined where nothing is set. */
export function readField(component: Component, field: SchemaField): JsonValue | undefined {
  let current: JsonValue | undefined = component.config;
  for (const step of field.path) current = asJsonObject(current)[step];
  return current;
}

/** The field's value as its input shows it; a map or list that a line-based input would mangle is null. */
export function fieldText(component: Component, field: SchemaField): string | null {
  const value = readField(component, field);
  if (value === undefined || value === null) return '';
  if (field.kind === 'map') {
    const entries = Object.entries(asJsonObject(value));
    if (entries.some(([, entry]) => typeof entry !== 'string' || entry.includes('\n'))) return null;
    return printLines(Object.fromEntries(entries as [string, string][]));
  }
  if (field.kind === 'list') {
    if (
      !Array.isArray(value) ||
      value.some((item) => typeof item !== 'string' || item.includes(','))
    )
      return null;
    return value.join(', ');
  }
  return typeof value === 'object' ? null : String(value);
}

/**
 * What an input's text means for the field: the value to store, `undefined` to remove it (an
 * empty input), or an `Error` saying why the text is not a valid value.
 */
export function parseField(field: SchemaField, text: string): JsonValue | undefined | Error {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  switch (field.kind) {
    case 'integer':
    case 'number': {
      const number = Number(trimmed);
      if (!Number.isFinite(number) || (field.kind === 'integer' && !Number.isInteger(number))) {
        return new Error(
          `${field.label} takes ${field.kind === 'integer' ? 'a whole number' : 'a number'}`,
        );
      }
      if (field.minimum !== undefined && number < field.minimum) {
        return new Error(`${field.label} is at least ${field.minimum}`);
      }
      return number;
    }
    case 'boolean':
      return trimmed === 'true';
    case 'choice':
      return field.options!.includes(trimmed)
        ? trimmed
        : new Error(`${field.label} is one of ${field.options!.join(', ')}`);
    case 'list':
      return trimmed
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    case 'map':
      return Object.fromEntries(parseLines(trimmed));
    case 'text':
      return trimmed;
  }
}

/** A changed copy of the component with the field set, or removed for `undefined`. */
export function writeField(
  component: Component,
  field: SchemaField,
  value: JsonValue | undefined,
): Component {
  if (value === undefined && readField(component, field) === undefined) return component;
  const parent = field.path.slice(0, -1);
  const key = field.path[field.path.length - 1]!;
  return editAt(component, parent, (object) => {
    if (value === undefined) delete object[key];
    else object[key] = value;
  });
}
