/**
 * The hub's single LMDB environment and its named databases. Everything persistent lives here:
 * document update logs, their snapshots, and metadata records, so one transaction can span them.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import type { SandboxDatabase } from '../sandbox/objectStore.js';
import type { Model } from '../models/model.js';
import type { StoredPolicy } from '../policies/policyRegistry.js';
import type { StoredConnection } from '../connections/connectionRegistry.js';
import type { Environment } from '../../shared/operate/connections.js';
import type { Deployment } from '../../shared/deploy/deployment.js';
import type { ActivityDatabase } from '../operate/activityLog.js';
import type { DesignRecord } from './designRecords.js';

/** `[docName, seq]`: ordered by document, then by sequence number. */
export type UpdateKey = [string, number];

export interface Snapshot {
  /** Highest log sequence number merged into `update`. */
  seq: number;
  update: Uint8Array;
  /** The state vector of `update`, so a client can be asked for its changes before loading. */
  stateVector: Uint8Array;
}

export interface Databases {
  root: RootDatabase;
  /** Append-only Yjs update log per document. */
  updates: Database<Uint8Array, UpdateKey>;
  /** Compacted state per document (the merge of every log entry up to `seq`). */
  snapshots: Database<Snapshot, string>;
  designs: Database<DesignRecord, string>;
  /** Imported models (CustomResourceDefinitions), by model name. */
  models: Database<Model, string>;
  /** Uploaded OPA policies, by id. */
  policies: Database<StoredPolicy, string>;
  /** Cluster connections added through the API, by id (with their credentials). */
  connections: Database<StoredConnection, string>;
  /** Named groups of connections, by id. */
  environments: Database<Environment, string>;
  /** Finished deployments, by id. */
  deployments: Database<Deployment, string>;
  /** What people did to clusters, by time. */
  activity: ActivityDatabase;
  /** The built-in sandbox cluster's objects, revision counter and token. */
  sandbox: SandboxDatabase;
}

const MAX_NAMED_DATABASES = 16;

export function openDatabases(path: string, { readOnly = false } = {}): Databases {
  // A folder always, even when its name has a dot (lmdb-js would take `data.v2` for a file).
  const root = open({ path, maxDbs: MAX_NAMED_DATABASES, readOnly, noSubdir: false });
  return {
    root,
    updates: root.openDB<Uint8Array, UpdateKey>({ name: 'updates', encoding: 'binary' }),
    snapshots: root.openDB<Snapshot, string>({ name: 'snapshots' }),
    designs: root.openDB<DesignRecord, string>({ name: 'designs' }),
    models: root.openDB<Model, string>({ name: 'models' }),
    policies: root.openDB<StoredPolicy, string>({ name: 'policies' }),
    connections: root.openDB<StoredConnection, string>({ name: 'connections' }),
    environments: root.openDB<Environment, string>({ name: 'environments' }),
    deployments: root.openDB<Deployment, string>({ name: 'deployments' }),
    activity: root.openDB({ name: 'activity' }) as ActivityDatabase,
    sandbox: root.openDB({ name: 'sandbox' }) as SandboxDatabase,
  };
}
