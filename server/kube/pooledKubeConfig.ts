/**
 * A `KubeConfig` whose requests share one connection pool per cluster and user.
 *
 * `@kubernetes/client-node` 2.x builds a new undici `Agent` for every request, so each request
 * opens a new TCP connection and TLS handshake and leaves the old ones idle: against the
 * sandbox that made client-side CPU, not the server, the limit of `bench:sandbox`. This keeps
 * the first dispatcher made for a cluster and user and hands it to every later request; the
 * library itself is used unchanged.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { RequestContext } from '@kubernetes/client-node';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

export class PooledKubeConfig extends KubeConfig {
  private readonly dispatchers = new Map<string, Dispatcher>();

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const made = context.getDispatcher();
    if (!made) return;
    const key = `${this.getCurrentCluster()?.server ?? ''}\n${this.getCurrentUser()?.name ?? ''}`;
    const shared = this.dispatchers.get(key);
    if (shared) {
      context.setDispatcher(shared);
      // The one just made never connected; closing it releases nothing but its bookkeeping.
      void made.close();
    } else {
      this.dispatchers.set(key, made);
    }
  }

  /** Closes every pooled connection. */
  async close(): Promise<void> {
    await Promise.all([...this.dispatchers.values()].map((dispatcher) => dispatcher.close()));
    this.dispatchers.clear();
  }
}
