import { describe, expect, it } from 'vitest';
import type { Component, JsonObject } from '../../shared/design/model.js';
import {
  fieldText,
  labelFor,
  parseField,
  schemaFields,
  writeField,
  type SchemaField,
} from '../../web/src/editor/schemaFields.js';

/** Shaped like the model registry serves schemas: definitions, `$ref`, nullable `oneOf`. */
const SERVICE_LIKE: JsonObject = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string', enum: ['v1'] },
    kind: { type: 'string', enum: ['Service'] },
    metadata: { oneOf: [{ $ref: '#/definitions/ObjectMeta' }, { type: 'null' }] },
    spec: { oneOf: [{ $ref: '#/definitions/ServiceSpec' }, { type: 'null' }] },
    status: { oneOf: [{ $ref: '#/definitions/ServiceStatus' }, { type: 'null' }] },
    immutable: { type: 'boolean', nullable: true },
    binaryData: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
  },
  definitions: {
    ObjectMeta: { type: 'object', properties: { name: { type: 'string' } } },
    ServiceStatus: { type: 'object', properties: { ready: { type: 'boolean' } } },
    ServiceSpec: {
      type: 'object',
      properties: {
        clusterIP: { type: 'string', nullable: true },
        externalIPs: { type: 'array', items: { type: 'string' } },
        healthCheckNodePort: { type: 'integer', format: 'int32', minimum: 0 },
        ports: { type: 'array', items: { $ref: '#/definitions/ServicePort' } },
        selector: { type: 'object', additionalProperties: { type: 'string' } },
        sessionAffinityConfig: { oneOf: [{ $ref: '#/definitions/Affinity' }, { type: 'null' }] },
        type: { type: 'string', enum: ['ClusterIP', 'NodePort'] },
      },
    },
    ServicePort: { type: 'object', properties: { port: { type: 'integer' } } },
    Affinity: { type: 'object', properties: { timeout: { type: 'integer' } } },
  },
};

const service = (config: JsonObject): Component => ({
  id: 's',
  model: 'kubernetes',
  kind: 'Service',
  apiVersion: 'v1',
  name: 'web',
  labels: {},
  annotations: {},
  config,
});

const fieldAt = (path: string) =>
  schemaFields(SERVICE_LIKE).find((field) => field.path.join('.') === path)!;

describe('settings generated from a JSON Schema', () => {
  it('makes a field of every scalar, choice, list of text and string map, at the top and in spec', () => {
    const fields = schemaFields(SERVICE_LIKE).map(({ path, kind, label, options }) => ({
      path: path.join('.'),
      kind,
      label,
      ...(options ? { options } : {}),
    }));
    expect(fields).toEqual([
      { path: 'spec.clusterIP', kind: 'text', label: 'Cluster IP' },
      { path: 'spec.externalIPs', kind: 'list', label: 'External IPs' },
      { path: 'spec.healthCheckNodePort', kind: 'integer', label: 'Health check node port' },
      { path: 'spec.selector', kind: 'map', label: 'Selector' },
      { path: 'spec.type', kind: 'choice', label: 'Type', options: ['ClusterIP', 'NodePort'] },
      { path: 'immutable', kind: 'boolean', label: 'Immutable' },
    ]);
  });

  it('labels keys as words, keeping acronyms', () => {
    expect(labelFor('minReadySeconds')).toBe('Min ready seconds');
    expect(labelFor('loadBalancerIP')).toBe('Load balancer IP');
    expect(labelFor('replicas')).toBe('Replicas');
    expect(labelFor('ipFamilyPolicy')).toBe('IP family policy');
  });

  it('reads values as their inputs show them, and leaves to YAML what lines would mangle', () => {
    const component = service({
      spec: { selector: { app: 'web', tier: 'front' }, externalIPs: ['10.0.0.1', '10.0.0.2'] },
    });
    expect(fieldText(component, fieldAt('spec.selector'))).toBe('app=web\ntier=front');
    expect(fieldText(component, fieldAt('spec.externalIPs'))).toBe('10.0.0.1, 10.0.0.2');
    expect(fieldText(component, fieldAt('spec.clusterIP'))).toBe('');
    const multiLine = service({ spec: { selector: { script: 'a\nb' } } });
    expect(fieldText(multiLine, fieldAt('spec.selector'))).toBeNull();
  });

  it('refuses values the schema does not allow, with a reason', () => {
    const port = fieldAt('spec.healthCheckNodePort');
    expect(parseField(port, '30080')).toBe(30080);
    expect(parseField(port, '1.5')).toEqual(
      new Error('Health check node port takes a whole number'),
    );
    expect(parseField(port, '-1')).toEqual(new Error('Health check node port is at least 0'));
    expect(parseField(fieldAt('spec.type'), 'Bogus')).toBeInstanceOf(Error);
    expect(parseField(fieldAt('immutable'), 'false')).toBe(false);
    expect(parseField(fieldAt('spec.selector'), 'app = web\n\ntier=front')).toEqual({
      app: 'web',
      tier: 'front',
    });
    expect(parseField(port, '  ')).toBeUndefined();
  });

  it('writes a field into a copy, creating what holds it, and an empty input removes it', () => {
    const before = service({ ports: [] });
    const type: SchemaField = fieldAt('spec.type');
    const after = writeField(before, type, 'NodePort');
    expect(after.config).toEqual({ ports: [], spec: { type: 'NodePort' } });
    expect(before.config).toEqual({ ports: [] });
    expect(writeField(after, type, undefined).config).toEqual({ ports: [], spec: {} });
    // Removing what is not there changes nothing, not even an empty `spec`.
    expect(writeField(before, type, undefined)).toBe(before);
  });
});
