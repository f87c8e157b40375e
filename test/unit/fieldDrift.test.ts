import { describe, expect, it } from 'vitest';
import { driftPath } from '../../shared/deploy/drift.js';
import type { Component, JsonObject } from '../../shared/design/model.js';
import { adoptValues } from '../../server/drift/adoptValues.js';
import { driftFindings } from '../../server/drift/driftFindings.js';
import { fieldDrift } from '../../server/drift/fieldDrift.js';

const component = (config: JsonObject, extra: Partial<Component> = {}): Component => ({
  id: 'c1',
  model: 'kubernetes',
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name: 'api',
  namespace: 'prod',
  labels: { app: 'api' },
  annotations: {},
  config,
  ...extra,
});

const pod = (containers: JsonObject[]): JsonObject => ({
  spec: { replicas: 2, template: { spec: { containers } } },
});

/** What an API server gives back for the design: defaults added, values normalised, reordered. */
const live = (config: JsonObject, labels: Record<string, string> = { app: 'api' }): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'prod', labels, uid: 'u1', resourceVersion: '7' },
  ...config,
  status: { replicas: 2 },
});

const paths = (design: Component, cluster: JsonObject) =>
  fieldDrift(design, cluster).map(({ steps }) => driftPath(steps));

describe('field drift', () => {
  it('sees no drift in what an API server normalises, defaults or reorders', () => {
    const design = component(
      pod([
        {
          name: 'api',
          image: 'api:1',
          ports: [{ name: 'http', containerPort: '8080' }],
          env: [
            { name: 'A', value: 'x' },
            { name: 'B', value: '2' },
          ],
          resources: {
            requests: { cpu: 0.5, memory: '1024Mi' },
            limits: { cpu: '1', memory: '1e9' },
          },
          securityContext: {},
          stdin: false,
        },
      ]),
    );
    const cluster = live(
      pod([
        { name: 'sidecar', image: 'proxy:2' },
        {
          name: 'api',
          image: 'api:1',
          imagePullPolicy: 'IfNotPresent',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [
            { name: 'B', value: '2' },
            { name: 'A', value: 'x' },
          ],
          resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: 1, memory: '1G' } },
        },
      ]),
      { app: 'api', 'weft.dev/design': 'd1', extra: 'set by someone' },
    );
    expect(fieldDrift(design, cluster)).toEqual([]);
  });

  it('names what differs by the design’s own paths, matching list items by name', () => {
    const design = component(
      pod([
        { name: 'api', image: 'api:1', env: [{ name: 'MODE', value: 'fast' }] },
        { name: 'log', image: 'log:1' },
      ]),
      { labels: { app: 'api', 'app.kubernetes.io/part-of': 'shop' } },
    );
    const cluster = live(
      {
        spec: {
          replicas: 5,
          template: {
            spec: {
              containers: [{ name: 'api', image: 'api:2', env: [{ name: 'MODE', value: 'slow' }] }],
            },
          },
        },
      },
      { app: 'api', 'app.kubernetes.io/part-of': 'market' },
    );
    expect(paths(design, cluster)).toEqual([
      'labels["app.kubernetes.io/part-of"]',
      'config.spec.replicas',
      'config.spec.template.spec.containers[0].image',
      'config.spec.template.spec.containers[0].env[0].value',
      'config.spec.template.spec.containers[1]',
    ]);
    // An env var or a quantity that really changed is drift.
    expect(
      paths(
        component(pod([{ name: 'a', resources: { limits: { cpu: '1' } } }])),
        live(pod([{ name: 'a', resources: { limits: { cpu: '1500m' } } }])),
      ),
    ).toEqual(['config.spec.template.spec.containers[0].resources.limits.cpu']);
  });

  it('compares a Secret’s stringData with its data, and never shows the values', () => {
    const secret = component(
      { type: 'Opaque', stringData: { password: 'hunter2' } },
      { apiVersion: 'v1', kind: 'Secret', name: 's', labels: {} },
    );
    const same = { data: { password: Buffer.from('hunter2').toString('base64') } };
    expect(fieldDrift(secret, { ...same, type: 'Opaque' })).toEqual([]);
    const changed = { data: { password: Buffer.from('letmein').toString('base64') } };
    const drift = fieldDrift(secret, { ...changed, type: 'Opaque' });
    expect(drift.map(({ steps }) => driftPath(steps))).toEqual(['config.stringData.password']);
    const [finding] = driftFindings(
      { id: 'c', name: 'C' },
      { component: 'c1', apiVersion: 'v1', kind: 'Secret', name: 's' },
      secret,
      drift,
    );
    expect(JSON.stringify(finding)).not.toMatch(/hunter2|letmein/);
  });

  it('adopts the cluster’s values, removing what the cluster lacks', () => {
    const design = component(
      pod([
        { name: 'api', image: 'api:1', env: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] },
        { name: 'log', image: 'log:1' },
      ]),
    );
    const cluster = live({
      spec: {
        replicas: 4,
        template: { spec: { containers: [{ name: 'api', image: 'api:2', env: [{ name: 'B' }] }] } },
      },
    });
    const adopted = adoptValues(design, fieldDrift(design, cluster));
    expect(adopted.config).toEqual({
      spec: {
        replicas: 4,
        template: { spec: { containers: [{ name: 'api', image: 'api:2', env: [{ name: 'B' }] }] } },
      },
    });
    expect(fieldDrift(adopted, cluster)).toEqual([]);
    // The design it came from is left as it was.
    expect((design.config.spec as JsonObject).replicas).toBe(2);
  });
});
