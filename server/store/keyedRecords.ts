/**
 * Whole records in one named database, each under a key taken from the record itself: imported
 * models by name, policies by id.
 */
import type { Database } from 'lmdb';
import { observed } from './commitFailures.js';

export class KeyedRecords<T> {
  constructor(
    private readonly db: Database<T, string>,
    private readonly keyOf: (record: T) => string,
  ) {}

  list(): T[] {
    return [...this.db.getRange({})].map(({ value }) => value);
  }

  get(key: string): T | undefined {
    return this.db.get(key);
  }

  put(record: T): Promise<boolean> {
    return observed(this.db.put(this.keyOf(record), record));
  }

  remove(key: string): Promise<boolean> {
    return observed(this.db.remove(key));
  }
}
