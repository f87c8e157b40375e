/**
 * Validation of components against their kind's JSON Schema, as findings. A component is
 * checked as the manifest it stands for, so every error points at a field a person can find:
 * `/spec/replicas` becomes `config.spec.replicas`, `/metadata/name` becomes `name`.
 * Validators are compiled once per kind, on first use.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Finding } from '../../shared/checks/bestPractices.js';
import { toManifest } from '../../shared/design/manifests.js';
import type { Component } from '../../shared/design/model.js';
import type { ModelRegistry } from './modelRegistry.js';

export const SCHEMA_CHECK = {
  id: 'schema',
  severity: 'error',
  title: 'Configuration not valid for its kind',
  docs: "Fix the field named: the value does not match the kind's schema from the model registry.",
} as const;

/** The metadata fields that are component fields of their own. */
const METADATA_FIELDS = new Set(['name', 'namespace', 'labels', 'annotations']);

export class SchemaFindings {
  // The schemas use Kubernetes formats (int32, quantity, …) this Ajv does not know: ignored.
  private readonly ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  private readonly validators = new Map<string, ValidateFunction | null>();
  private revision = 0;

  constructor(private readonly models: ModelRegistry) {}

  /** Findings for one component; none for kinds the registry does not know. */
  findings(component: Component): Finding[] {
    const validate = this.validatorFor(component);
    if (!validate || validate(toManifest(component))) return [];
    return (validate.errors ?? []).filter(isCause).map((error) => {
      const path = componentPath(error.instancePath);
      return {
        check: SCHEMA_CHECK.id,
        severity: SCHEMA_CHECK.severity,
        message: describe(error, path),
        path,
      };
    });
  }

  private validatorFor(component: Component): ValidateFunction | null {
    if (this.revision !== this.models.revision) {
      // A model was imported: its kinds may have new schemas.
      this.validators.clear();
      this.revision = this.models.revision;
    }
    const key = `${component.model}/${component.apiVersion}/${component.kind}`;
    if (!this.validators.has(key)) {
      let validate: ValidateFunction | null = null;
      try {
        const { schema } = this.models.component(
          component.model,
          component.kind,
          component.apiVersion,
        );
        validate = this.ajv.compile(schema);
      } catch {
        // Not in the registry (a custom kind, another version): nothing to validate against.
      }
      this.validators.set(key, validate);
    }
    return this.validators.get(key)!;
  }
}

/**
 * Optional nested objects are `oneOf: [the object's schema, null]`, so one bad value also fails
 * the `null` branch and the `oneOf` itself: those two say nothing the first error does not.
 */
const isCause = (error: ErrorObject): boolean =>
  error.keyword !== 'oneOf' && !(error.keyword === 'type' && error.params.type === 'null');

/** A manifest's JSON pointer as a path into the component. */
function componentPath(pointer: string): string {
  const steps = pointer
    .split('/')
    .slice(1)
    .map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (steps[0] === 'metadata' && steps[1] !== undefined && METADATA_FIELDS.has(steps[1])) {
    return join(steps.slice(1));
  }
  if (steps[0] === 'apiVersion' || steps[0] === 'kind') return steps[0];
  if (steps[0] === 'metadata') return join(steps);
  return join(['config', ...steps]);
}

/** `config.spec.containers[0].image`: dots for keys, brackets for array indexes. */
const join = (steps: string[]): string =>
  steps.reduce(
    (path, step) => (/^\d+$/.test(step) ? `${path}[${step}]` : path ? `${path}.${step}` : step),
    '',
  );

/** The error in words, `path` being where it is in the component. */
function describe(error: ErrorObject, path: string): string {
  const where = error.instancePath === '' ? 'the resource' : path;
  if (error.keyword === 'additionalProperties') {
    return `${where} has an unknown field ${JSON.stringify(error.params.additionalProperty)}`;
  }
  if (error.keyword === 'required')
    return `${where} needs ${JSON.stringify(error.params.missingProperty)}`;
  return `${where} ${error.message ?? 'is not valid'}`;
}
