/**
 * One cluster the hub can reach: its client configuration and what the last check found.
 * A check asks the API server for its version; a failure is kept as the last error, so a
 * connection that comes back still shows what went wrong before.
 */
import { VersionApi } from '@kubernetes/client-node';
import { abortable } from '../kube/abortable.js';
import { clusterFailure, isTimeout } from '../kube/failure.js';
import type { PooledKubeConfig } from '../kube/pooledKubeConfig.js';
import type {
  ConnectionSource,
  ConnectionState,
  ConnectionView,
} from '../../shared/operate/connections.js';

export class Connection {
  private state: ConnectionState = 'checking';
  private version: string | null = null;
  private checkedAt: string | null = null;
  private lastError: ConnectionView['lastError'] = null;
  private checking: Promise<void> | null = null;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly source: ConnectionSource,
    /** Current context set to the connection's; requests share one connection pool. */
    readonly kubeConfig: PooledKubeConfig,
  ) {}

  get context(): string {
    return this.kubeConfig.getCurrentContext();
  }

  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? '';
  }

  view(): ConnectionView {
    const { id, name, source, context, server, state, version, checkedAt, lastError } = this;
    return { id, name, source, context, server, state, version, checkedAt, lastError };
  }

  /** Asks the cluster for its version; one check at a time, callers share the one under way. */
  check(timeoutMs: number): Promise<void> {
    return (this.checking ??= this.askVersion(timeoutMs).finally(() => {
      this.checking = null;
    }));
  }

  private async askVersion(timeoutMs: number): Promise<void> {
    try {
      const info = await this.kubeConfig
        .makeApiClient(VersionApi)
        .getCode({}, abortable(AbortSignal.timeout(timeoutMs)));
      this.state = 'reachable';
      this.version = info.gitVersion;
    } catch (error) {
      this.state = 'unreachable';
      const message = isTimeout(error)
        ? `no answer from ${this.server} within ${timeoutMs} ms`
        : clusterFailure(error).message;
      this.lastError = { message, at: new Date().toISOString() };
    } finally {
      this.checkedAt = new Date().toISOString();
    }
  }
}
