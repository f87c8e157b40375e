/**
 * The models the hub knows, looked up by name: built in (Kubernetes) and imported (from
 * CustomResourceDefinitions, kept in LMDB). Loaded on first use, not at start-up: building the
 * Kubernetes model takes a few hundred milliseconds.
 */
import { badRequest, notFound } from '../errors.js';
import type { KeyedRecords } from '../store/keyedRecords.js';
import type { ComponentDefinition, Model } from './model.js';

export type ComponentSummary = Omit<ComponentDefinition, 'schema'>;

export interface ModelSummary extends Omit<Model, 'components'> {
  /** How many component definitions it holds. */
  components: number;
}

export class ModelRegistry {
  private loaded: Map<string, Model> | undefined;
  private builtIn = new Set<string>();
  /** Goes up whenever a model changes, so whoever caches per model knows to drop it. */
  revision = 0;

  /**
   * @param loadBuiltIn the models that come with the hub (read-only)
   * @param stored where imported models are kept
   */
  constructor(
    private readonly loadBuiltIn: () => Model[],
    private readonly stored: KeyedRecords<Model>,
  ) {}

  private get models(): Map<string, Model> {
    if (!this.loaded) {
      const builtIn = this.loadBuiltIn();
      this.builtIn = new Set(builtIn.map((model) => model.name));
      this.loaded = new Map(
        [...this.stored.list(), ...builtIn].map((model) => [model.name, model]),
      );
    }
    return this.loaded;
  }

  /**
   * Adds imported models, or merges them into earlier imports of the same name (a component of
   * the same kind and apiVersion is replaced), and stores them. Built-in models cannot be changed.
   */
  async import(models: readonly Model[]): Promise<Model[]> {
    const merged = models.map((model) => {
      if (this.models.has(model.name) && this.builtIn.has(model.name)) {
        throw badRequest(
          'built_in_model',
          `model ${model.name} is built in and cannot be imported over`,
        );
      }
      const earlier = this.models.get(model.name);
      if (!earlier) return model;
      const replaced = new Set(model.components.map((c) => `${c.apiVersion}/${c.kind}`));
      const kept = earlier.components.filter((c) => !replaced.has(`${c.apiVersion}/${c.kind}`));
      return { ...model, components: [...kept, ...model.components] };
    });
    await Promise.all(merged.map((model) => this.stored.put(model)));
    for (const model of merged) this.models.set(model.name, model);
    this.revision += 1;
    return merged;
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

  /** Whether the editor draws `kind` as a container (a Namespace); unknown kinds it does not. */
  drawnAsContainer(modelName: string, kind: string): boolean {
    const components = this.models.get(modelName)?.components ?? [];
    return components.some((c) => c.kind === kind && c.style.shape === 'container');
  }

  /** The model that defines `kind` at `apiVersion`, or undefined if none does. */
  modelOf(apiVersion: string, kind: string): string | undefined {
    for (const model of this.models.values()) {
      if (model.components.some((c) => c.kind === kind && c.apiVersion === apiVersion)) {
        return model.name;
      }
    }
    return undefined;
  }

  private model(name: string): Model {
    const model = this.models.get(name);
    if (!model) throw notFound('model', name);
    return model;
  }
}
