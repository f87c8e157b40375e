/**
 * What people did to clusters (scale, restart, delete, cordon…), newest first: who, what, when,
 * and how it went. Kept in LMDB under keys that sort by time, so the latest are read without
 * going through the rest.
 */
import type { Database } from 'lmdb';
import { newId } from '../../shared/ids.js';
import type { Activity } from '../../shared/operate/connections.js';
import { observed } from '../store/commitFailures.js';

export type ActivityDatabase = Database<Activity, string>;

export class ActivityLog {
  constructor(private readonly db: ActivityDatabase) {}

  async record(entry: Omit<Activity, 'id' | 'at'>): Promise<Activity> {
    const activity: Activity = { id: newId(), at: new Date().toISOString(), ...entry };
    await observed(this.db.put(`${activity.at}\u0000${activity.id}`, activity));
    return activity;
  }

  /** The latest `limit` entries, newest first, of one connection or of all. */
  latest(limit: number, connection?: string): Activity[] {
    const found: Activity[] = [];
    for (const { value } of this.db.getRange({ reverse: true })) {
      if (connection !== undefined && value.connection !== connection) continue;
      found.push(value);
      if (found.length >= limit) break;
    }
    return found;
  }
}
