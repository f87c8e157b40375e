/**
 * Design records: the metadata the designs list needs without loading any document.
 */
import { observed } from './commitFailures.js';
import type { Databases } from './database.js';

export interface DesignRecord {
  id: string;
  name: string;
  description: string;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
}

export class DesignRecords {
  constructor(private readonly db: Databases) {}

  get(id: string): DesignRecord | undefined {
    return this.db.designs.get(id);
  }

  /** Every record, newest first. */
  list(): DesignRecord[] {
    const records = [...this.db.designs.getRange({})].map(({ value }) => value);
    return records.sort(
      (a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id),
    );
  }

  put(record: DesignRecord): Promise<boolean> {
    return observed(this.db.designs.put(record.id, record));
  }

  remove(id: string): Promise<boolean> {
    return observed(this.db.designs.remove(id));
  }
}
