/**
 * What policies are given: the design as `GET /api/designs/:id` shows it, as JSON text. A large
 * design is megabytes of it (12 MB at 10,000 components, most of it inferred relationships), so
 * it is encoded only when some policy runs, once per run, reusing the text of every component
 * and relationship encoded before.
 */
import { asDesignRelationship } from '../../shared/design/derived.js';
import type { Component, DesignContent } from '../../shared/design/model.js';
import type { InferredRelationship } from '../../shared/relationships/engine.js';

/** What a run needs to know about the design, read when the run starts. */
export interface PolicyInput {
  /** Check ids the design has turned off (a policy's is `policy:<id>`). */
  disabledChecks: ReadonlySet<string>;
  /** The design as plain JSON text, and its component ids: read only if some policy runs. */
  design(): { json: string; componentIds: ReadonlySet<string> };
}

/** What policies are given of a design besides its id. */
export type PolicyDesign = Pick<DesignContent, 'meta' | 'components' | 'layout' | 'relationships'>;

/** Where a run reads the design from. */
export interface PolicySource {
  design: PolicyDesign;
  /** Inferred relationships, those people rejected among them. */
  inferred: Iterable<InferredRelationship>;
  rejected(relationshipId: string): boolean;
}

/**
 * The design as policies see it: the shape of `GET /api/designs/:id` (inferred relationships
 * included, rejected ones not), without the hub's own records and findings. A large design is
 * megabytes of JSON, so it is encoded once per run, only when some policy runs, and components
 * and relationships already encoded in an earlier run are not encoded again.
 */
export function policyInput(
  designId: string,
  read: () => PolicySource,
  disabledChecks: ReadonlySet<string>,
): PolicyInput {
  let encoded: ReturnType<PolicyInput['design']> | undefined;
  return {
    disabledChecks,
    design: () => {
      if (encoded) return encoded;
      const { design, inferred, rejected } = read();
      const { meta, components, layout, relationships } = design;
      const field = (name: string, value: unknown) =>
        `${JSON.stringify(name)}:${JSON.stringify(value)}`;
      const relationshipTexts = relationships.map((relationship) => JSON.stringify(relationship));
      for (const relationship of inferred) {
        if (!rejected(relationship.id)) relationshipTexts.push(inferredJson(relationship));
      }
      const json = [
        `{${field('id', designId)}`,
        field('name', meta.name),
        field('description', meta.description),
        `"components":[${components.map(componentJson).join(',')}]`,
        field('layout', layout),
        `"relationships":[${relationshipTexts.join(',')}]}`,
      ].join(',');
      encoded = { json, componentIds: new Set(components.map((component) => component.id)) };
      return encoded;
    },
  };
}

/**
 * JSON text by object. Components and inferred relationships are never changed in place (the
 * engine holds a new object for every change), so the text of one seen before is still right.
 */
const jsonByObject = new WeakMap<object, string>();

function cachedJson<T extends object>(value: T, encode: (value: T) => unknown): string {
  let text = jsonByObject.get(value);
  if (text === undefined) {
    text = JSON.stringify(encode(value));
    jsonByObject.set(value, text);
  }
  return text;
}

const componentJson = (component: Component): string => cachedJson(component, (c) => c);

const inferredJson = (relationship: InferredRelationship): string =>
  cachedJson(relationship, asDesignRelationship);
