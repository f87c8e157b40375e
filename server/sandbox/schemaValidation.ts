/**
 * Validation of custom resources against their CRD version's `openAPIV3Schema`, with Ajv, and
 * the `422` causes worded as kube-apiserver words them, so that what kubectl prints for a bad
 * custom resource reads the same as against a real cluster:
 *
 *   spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"
 *
 * A schema is compiled once, the first time it is needed, and kept as long as the schema
 * object lives: the catalog keeps one per served CRD version and replaces it when the CRD
 * changes, so a new schema means a new compile and an old one is forgotten with it.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { invalidValue, notSupported, requiredValue, type StatusCause } from './apiStatus.js';
import { asObject, isPlainObject, type KubeObject } from './kubeObject.js';

type Schema = Record<string, unknown>;

// Kubernetes formats (int32, date-time, …) are not checked; `x-kubernetes-*` keywords are ignored.
const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: false });

type Compiled = { validate: ValidateFunction } | { error: string };

const compiled = new WeakMap<Schema, Compiled>();

const SCHEMA_ONE = ['items', 'additionalProperties', 'not'];
const SCHEMA_LIST = ['allOf', 'anyOf', 'oneOf'];
const SCHEMA_MAP = ['properties', 'patternProperties'];

/**
 * The schema in the dialect Ajv speaks: OpenAPI 3.0's `nullable` and boolean
 * `exclusiveMinimum`/`exclusiveMaximum` become JSON Schema's, and an int-or-string field takes
 * either type, as kube-apiserver reads it.
 */
function toJsonSchema(schema: Schema): Schema {
  const result: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_ONE.includes(key) && isPlainObject(value)) result[key] = toJsonSchema(value);
    else if (SCHEMA_LIST.includes(key) && Array.isArray(value)) {
      result[key] = value.map((item) => (isPlainObject(item) ? toJsonSchema(item) : item));
    } else if (SCHEMA_MAP.includes(key) && isPlainObject(value)) {
      result[key] = Object.fromEntries(
        Object.entries(value).map(([name, item]) => [
          name,
          isPlainObject(item) ? toJsonSchema(item) : item,
        ]),
      );
    } else if (key !== 'nullable' && key !== 'exclusiveMinimum' && key !== 'exclusiveMaximum') {
      result[key] = value;
    }
  }
  if (schema['x-kubernetes-int-or-string'] === true) result.type = ['integer', 'string'];
  if (schema.nullable === true && typeof result.type === 'string') {
    result.type = [result.type, 'null'];
  }
  for (const [exclusive, limit] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (schema[exclusive] === true && typeof schema[limit] === 'number') {
      result[exclusive] = schema[limit];
      delete result[limit];
    }
  }
  return result;
}

function compile(schema: Schema): Compiled {
  let found = compiled.get(schema);
  if (!found) {
    // `metadata` is checked as ObjectMeta by the service, whatever the CRD says of it.
    const properties = asObject(schema.properties);
    const { metadata: _metadata, ...rest } = properties;
    const jsonSchema = toJsonSchema({ ...schema, properties: rest });
    try {
      found = { validate: ajv.compile(jsonSchema) };
    } catch (error) {
      found = { error: (error as Error).message };
    } finally {
      // Ajv keeps every schema it compiled; the WeakMap above is the only cache wanted.
      ajv.removeSchema(jsonSchema);
    }
    compiled.set(schema, found);
  }
  return found;
}

/** Why `schema` cannot be used to validate (a pattern that is no regular expression), if so. */
export function schemaCompileError(schema: Schema): string | undefined {
  const found = compile(schema);
  return 'error' in found ? found.error : undefined;
}

/** Why `object` does not match `schema`, as the causes of a `422 Invalid`; `[]` if it does. */
export function schemaProblems(schema: Schema, object: KubeObject): StatusCause[] {
  const found = compile(schema);
  if ('error' in found) {
    return [
      invalidValue('', '', `the CustomResourceDefinition's schema is unusable: ${found.error}`),
    ];
  }
  const { apiVersion: _a, kind: _k, metadata: _m, ...content } = object;
  if (found.validate(content)) return [];
  const errors = found.validate.errors ?? [];
  return errors.filter(isReported).map((error) => causeOf(error, content));
}

/**
 * An `anyOf`, `oneOf` or `not` reports its own failure; what each branch said about the value
 * is noise (kube-apiserver reports the combinator only).
 */
const isReported = (error: ErrorObject): boolean => !/\/(anyOf|oneOf|not)\//.test(error.schemaPath);

/** Where a JSON pointer leads: `spec.items[0].name` for `/spec/items/0/name`, and the value. */
function locate(pointer: string, data: unknown): { field: string; value: unknown } {
  let field = '';
  let value = data;
  for (const raw of pointer.split('/').slice(1)) {
    const step = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      field += `[${step}]`;
      value = value[Number(step)];
    } else {
      field += field ? `.${step}` : step;
      value = isPlainObject(value) ? value[step] : undefined;
    }
  }
  return { field, value };
}

/** The type name kube-openapi reports for a value of the wrong type. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function causeOf(error: ErrorObject, data: unknown): StatusCause {
  const { field, value } = locate(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  const inBody = `${field} in body`;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return requiredValue(field ? `${field}.${missing}` : missing);
    }
    case 'type': {
      const expected = Array.isArray(params.type) ? params.type.join(',') : String(params.type);
      const actual = typeName(value);
      return {
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: ${JSON.stringify(actual)}: ${inBody} must be of type ${expected}: ${JSON.stringify(actual)}`,
        field,
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((option) =>
        typeof option === 'string' ? option : JSON.stringify(option),
      );
      return notSupported(field, value, allowed);
    }
    case 'maxLength':
      return {
        reason: 'FieldValueTooLong',
        message: `Too long: may not be more than ${String(params.limit)} bytes`,
        field,
      };
    case 'maxItems':
    case 'maxProperties': {
      const count = Array.isArray(value) ? value.length : Object.keys(value as object).length;
      const what = error.keyword === 'maxItems' ? 'items' : 'properties';
      return {
        reason: 'FieldValueTooMany',
        message: `Too many: ${count}: must have at most ${String(params.limit)} ${what}`,
        field,
      };
    }
    default:
      return invalidValue(field, value, `${inBody} ${rule(error)}`);
  }
}

/** The end of kube-openapi's sentence for the other keywords: `should be …`. */
function rule(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const limit = String(params.limit);
  switch (error.keyword) {
    case 'minimum':
      return `should be greater than or equal to ${limit}`;
    case 'exclusiveMinimum':
      return `should be greater than ${limit}`;
    case 'maximum':
      return `should be less than or equal to ${limit}`;
    case 'exclusiveMaximum':
      return `should be less than ${limit}`;
    case 'minLength':
      return `should be at least ${limit} chars long`;
    case 'pattern':
      return `should match '${String(params.pattern)}'`;
    case 'minItems':
      return `should have at least ${limit} items`;
    case 'uniqueItems':
      return "shouldn't contain duplicates";
    case 'multipleOf':
      return `should be a multiple of ${String(params.multipleOf)}`;
    case 'minProperties':
      return `should have at least ${limit} properties`;
    case 'anyOf':
      return 'must validate at least one schema (anyOf)';
    case 'oneOf':
      return 'must validate one and only one schema (oneOf)';
    case 'not':
      return 'must not validate the schema (not)';
    default:
      return error.message ?? 'is invalid';
  }
}
