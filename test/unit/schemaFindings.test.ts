/**
 * Components validated against their kind's schema from the model registry.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadKubernetesModel } from '../../server/models/kubernetesModel.js';
import { ModelRegistry } from '../../server/models/modelRegistry.js';
import { SchemaFindings } from '../../server/models/schemaFindings.js';
import { openDatabases } from '../../server/store/database.js';
import { KeyedRecords } from '../../server/store/keyedRecords.js';
import { component } from '../helpers/components.js';
import { tempDir } from '../helpers/tempDir.js';

/** The built-in model behind a registry on a fresh LMDB environment, closed after the test. */
async function schemaFindings(): Promise<SchemaFindings> {
  const db = openDatabases(await tempDir());
  onTestFinished(() => db.root.close());
  return new SchemaFindings(
    new ModelRegistry(
      () => [loadKubernetesModel()],
      new KeyedRecords(db.models, (model) => model.name),
    ),
  );
}

const deployment = (spec: object) =>
  component(
    'Deployment',
    'web',
    { spec: spec as never },
    { apiVersion: 'apps/v1', labels: { app: 'web' } },
  );

describe('schema findings', () => {
  it('accepts a valid resource', async () => {
    const schemas = await schemaFindings();
    const valid = deployment({
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'web:1' }] },
      },
    });
    expect(schemas.findings(valid)).toEqual([]);
  });

  it('reports each wrong value once, at the path of the component field', async () => {
    const schemas = await schemaFindings();
    const wrong = deployment({
      replicas: 'two',
      selector: { matchLabels: { app: 'web' } },
      template: { spec: { containers: [{ name: 'web', image: 3 }] } },
    });
    expect(schemas.findings(wrong)).toEqual([
      {
        check: 'schema',
        severity: 'error',
        message: 'config.spec.replicas must be integer',
        path: 'config.spec.replicas',
      },
      {
        check: 'schema',
        severity: 'error',
        message: 'config.spec.template.spec.containers[0].image must be string',
        path: 'config.spec.template.spec.containers[0].image',
      },
    ]);
  });

  it('names missing required fields, and leaves kinds it does not know alone', async () => {
    const schemas = await schemaFindings();
    const noSelector = deployment({ template: { spec: { containers: [{ name: 'web' }] } } });
    expect(schemas.findings(noSelector)).toContainEqual(
      expect.objectContaining({ path: 'config.spec', message: 'config.spec needs "selector"' }),
    );
    expect(schemas.findings(component('Widget', 'w', { spec: { speed: 'fast' } }))).toEqual([]);
  });
});
