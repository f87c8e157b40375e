/**
 * Every cluster the hub knows: the built-in sandbox (id `sandbox`), each context of the
 * `--kubeconfig` files, and the connections added through the API (kept in LMDB, with their
 * credentials, which the API never shows). All are checked when the hub starts and then in the
 * background, each on its own: a cluster that hangs delays nobody else's status.
 */
import { createHash } from 'node:crypto';
import { delimiter } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { newId } from '../../shared/ids.js';
import { HubError, notFound } from '../errors.js';
import { PooledKubeConfig } from '../kube/pooledKubeConfig.js';
import type { Logger } from '../log.js';
import type { KeyedRecords } from '../store/keyedRecords.js';
import type { ConnectionView } from '../../shared/operate/connections.js';
import { Connection } from './connection.js';
import { checkSubmittedKubeconfig } from './submittedKubeconfig.js';

export const SANDBOX_CONNECTION_ID = 'sandbox';

/** A connection added through the API, as LMDB keeps it. */
export interface StoredConnection {
  id: string;
  name: string;
  /** A kubeconfig holding one context, its cluster and its user (credentials inline). */
  kubeconfig: string;
  createdAt: string;
}

export interface NewConnection {
  name: string;
  /** The kubeconfig's YAML text. */
  kubeconfig: string;
  /** Which of its contexts; its current context when left out. */
  context?: string;
}

export interface ConnectionSources {
  /** The sandbox's kubeconfig file, when the sandbox runs. */
  sandboxKubeconfig?: string;
  /** `--kubeconfig`: one file, or several joined like `$KUBECONFIG`. */
  kubeconfig?: string;
  stored: KeyedRecords<StoredConnection>;
}

export interface CheckTiming {
  /** How often every connection is checked in the background. */
  intervalMs: number;
  /** How long one check may take before the cluster counts as unreachable. */
  timeoutMs: number;
}

export class ConnectionRegistry {
  private readonly connections = new Map<string, Connection>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly sources: ConnectionSources,
    private readonly timing: CheckTiming,
    logger: Logger,
  ) {
    if (sources.sandboxKubeconfig) {
      const config = loadFile(sources.sandboxKubeconfig);
      this.keep(new Connection(SANDBOX_CONNECTION_ID, 'Sandbox', 'sandbox', config));
    }
    for (const file of sources.kubeconfig?.split(delimiter).filter(Boolean) ?? []) {
      try {
        this.keepContextsOf(loadFile(file));
      } catch (error) {
        logger.warn(`no connections from kubeconfig ${file}`, error);
      }
    }
    for (const stored of sources.stored.list()) {
      this.keep(new Connection(stored.id, stored.name, 'added', loadText(stored.kubeconfig)));
    }
    this.checkAll();
    this.timer = setInterval(() => this.checkAll(), timing.intervalMs);
    this.timer.unref();
  }

  list(): ConnectionView[] {
    return [...this.connections.values()].map((connection) => connection.view());
  }

  has(id: string): boolean {
    return this.connections.has(id);
  }

  get(id: string): ConnectionView {
    return this.connection(id).view();
  }

  /** The client configuration of a connection, for the code that talks to its cluster. */
  kubeConfig(id: string): KubeConfig {
    return this.connection(id).kubeConfig;
  }

  /** Checks, stores and adds a connection; answers once its first check is done. */
  async add(input: NewConnection): Promise<ConnectionView> {
    const checked = checkSubmittedKubeconfig(input.kubeconfig, input.context);
    const stored: StoredConnection = {
      id: newId(),
      name: input.name,
      kubeconfig: checked.yaml,
      createdAt: new Date().toISOString(),
    };
    await this.sources.stored.put(stored);
    const connection = new Connection(stored.id, stored.name, 'added', loadText(stored.kubeconfig));
    this.keep(connection);
    await connection.check(this.timing.timeoutMs);
    return connection.view();
  }

  /** Removes a connection added through the API. */
  async remove(id: string): Promise<void> {
    const connection = this.connection(id);
    if (connection.source !== 'added') {
      const where =
        connection.source === 'sandbox' ? 'start the hub with --no-sandbox' : 'edit --kubeconfig';
      throw new HubError(409, 'not_removable', `connection ${id} is built in: ${where}`);
    }
    await this.sources.stored.remove(id);
    this.connections.delete(id);
    await connection.kubeConfig.close();
  }

  /** Checks a connection now. */
  async check(id: string): Promise<ConnectionView> {
    const connection = this.connection(id);
    await connection.check(this.timing.timeoutMs);
    return connection.view();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.connections.values()].map((c) => c.kubeConfig.close()));
  }

  private connection(id: string): Connection {
    const connection = this.connections.get(id);
    if (!connection) throw notFound('connection', id);
    return connection;
  }

  private keep(connection: Connection): void {
    this.connections.set(connection.id, connection);
  }

  /** One connection per context; a context named again in a later file is the first one's. */
  private keepContextsOf(file: KubeConfig): void {
    for (const context of file.getContexts()) {
      const id = contextId(context.name);
      if (this.connections.has(id)) continue;
      const config = new PooledKubeConfig();
      config.loadFromOptions({
        clusters: file.getClusters(),
        users: file.getUsers(),
        contexts: file.getContexts(),
        currentContext: context.name,
      });
      this.keep(new Connection(id, context.name, 'kubeconfig', config));
    }
  }

  private checkAll(): void {
    for (const connection of this.connections.values()) {
      void connection.check(this.timing.timeoutMs);
    }
  }
}

/**
 * A context's connection id: its name made URL-safe, and a short hash of the name itself so that
 * `a/b` and `a:b` stay apart and the id stays the same across restarts.
 */
function contextId(context: string): string {
  const slug = context
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  const hash = createHash('sha256').update(context).digest('hex').slice(0, 6);
  return `${slug || 'context'}-${hash}`;
}

function loadFile(path: string): PooledKubeConfig {
  const config = new PooledKubeConfig();
  config.loadFromFile(path);
  return config;
}

function loadText(yaml: string): PooledKubeConfig {
  const config = new PooledKubeConfig();
  config.loadFromString(yaml);
  return config;
}
