/**
 * What kube-apiserver does to a custom resource before it validates it: fields its CRD's
 * structural schema does not declare are dropped ("pruned"), `null`s in fields that are not
 * `nullable` go too, and missing fields that declare a `default` get it. Clients rely on both:
 * an operator reads `spec.interval` without checking for it when the CRD defaults it, and an
 * old field a newer CRD no longer has silently disappears instead of failing the write.
 */
import { isPlainObject, setField, type KubeObject } from './kubeObject.js';

type Schema = Record<string, unknown>;

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';
const EMBEDDED = 'x-kubernetes-embedded-resource';
/** What every object has whatever its schema says; `metadata` is ObjectMeta's business. */
const OBJECT_ROOT = ['apiVersion', 'kind', 'metadata'];

const schemaAt = (value: unknown): Schema | undefined => (isPlainObject(value) ? value : undefined);

/**
 * `object` pruned to what `schema` (a CRD version's `openAPIV3Schema`) declares, with its
 * defaults filled in. `apiVersion`, `kind` and `metadata` are kept as they are.
 *
 * @example pruneAndDefault({type: 'object', properties: {spec: {type: 'object', properties:
 *   {size: {type: 'integer', default: 1}}}}}, {…, spec: {colour: 'red'}}) // spec: {size: 1}
 */
export function pruneAndDefault(schema: Schema, object: KubeObject): KubeObject {
  const { apiVersion, kind, metadata, ...content } = object;
  const normalized = normalize(content, schema) as Record<string, unknown>;
  return { apiVersion, kind, metadata, ...normalized };
}

function normalize(value: unknown, schema: Schema | undefined): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) {
    const items = schemaAt(schema.items);
    return items ? value.map((item) => normalize(item, items)) : value;
  }
  if (!isPlainObject(value)) return value;
  const properties = schemaAt(schema.properties) ?? {};
  const additional = schema.additionalProperties;
  const keepsUnknown =
    schema[PRESERVE] === true || additional === true || isPlainObject(additional);
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const declared = Object.hasOwn(properties, key) ? schemaAt(properties[key]) : undefined;
    const fieldSchema = declared ?? schemaAt(additional);
    const embeddedRoot = schema[EMBEDDED] === true && OBJECT_ROOT.includes(key);
    if (!declared && !keepsUnknown && !embeddedRoot) continue;
    // A null the schema does not allow counts as absent, so a default can take its place.
    if (field === null && fieldSchema && fieldSchema.nullable !== true) continue;
    setField(result, key, embeddedRoot ? field : normalize(field, fieldSchema));
  }
  for (const [key, property] of Object.entries(properties)) {
    const fieldSchema = schemaAt(property);
    if (Object.hasOwn(result, key) || !fieldSchema || !('default' in fieldSchema)) continue;
    setField(result, key, normalize(structuredClone(fieldSchema.default), fieldSchema));
  }
  return result;
}
