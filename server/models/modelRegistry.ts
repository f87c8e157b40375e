/**
 * The models the hub knows, looked up by name. The built-in Kubernetes model is loaded on first
 * use, not at start-up: building it takes a few hundred milliseconds.
 */
import { notFound } from '../errors.js';
import type { ComponentDefinition, Model } from './model.js';

export type ComponentSummary = Omit<ComponentDefinition, 'schema'>;

export interface ModelSummary extends Omit<Model, 'components'> {
  /** How many component definitions it holds. */
  components: number;
}

export class ModelRegistry {
  private loaded: Map<string, Model> | undefined;

  constructor(private readonly load: () => Model[]) {}

  private get models(): Map<string, Model> {
    this.loaded ??= new Map(this.load().map((model) => [model.name, model]));
    return this.loaded;
  }

  list(): ModelSummary[] {
    return [...this.models.values()].map(({ components, ...model }) => ({
      ...model,
      components: components.length,
    }));
  }

  /** Component definitions without their schemas; `search` matches kind or category. */
  components(modelName: string, search = ''): ComponentSummary[] {
    const needle = search.trim().toLowerCase();
    return this.model(modelName)
      .components.filter(
        ({ kind, category }) =>
          kind.toLowerCase().includes(needle) || category.toLowerCase().includes(needle),
      )
      .map(({ schema: _schema, ...summary }) => summary);
  }

  /** One component definition with its schema; `apiVersion` picks among versions of a kind. */
  component(modelName: string, kind: string, apiVersion?: string): ComponentDefinition {
    const found = this.model(modelName).components.find(
      (component) =>
        component.kind === kind &&
        (apiVersion === undefined || component.apiVersion === apiVersion),
    );
    if (!found) throw notFound(`component ${kind} of model ${modelName}`, apiVersion ?? kind);
    return found;
  }

  private model(name: string): Model {
    const model = this.models.get(name);
    if (!model) throw notFound('model', name);
    return model;
  }
}
