/**
 * Imported models (from CustomResourceDefinitions), kept whole by name.
 */
import type { Model } from '../models/model.js';
import { observed } from './commitFailures.js';
import type { Databases } from './database.js';

export class ModelRecords {
  constructor(private readonly db: Databases) {}

  list(): Model[] {
    return [...this.db.models.getRange({})].map(({ value }) => value);
  }

  put(model: Model): Promise<boolean> {
    return observed(this.db.models.put(model.name, model));
  }
}
