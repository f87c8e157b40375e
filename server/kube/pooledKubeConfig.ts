/**
 * A `KubeConfig` whose requests share one connection pool per cluster and user, and never wait
 * for an answer longer than a timeout (REQUEST_TIMEOUT_MS unless told).
 *
 * `@kubernetes/client-node` 2.x builds a new undici `Agent` for every request, so each request
 * opens a new TCP connection and TLS handshake and leaves the old ones idle: against the
 * sandbox that made client-side CPU, not the server, the limit of `bench:sandbox`. This keeps
 * the first dispatcher made for a cluster and user and hands it to every later request; the
 * library itself is used unchanged.
 *
 * The library has no request timeout either: a cluster that accepts a connection and never
 * answers would hold a request, and whoever awaits it, for minutes. Every request without a
 * signal of its own gets one. Watches and log streams hold their own signal, which this leaves
 * alone, so they stay open as long as their caller wants.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { RequestContext } from '@kubernetes/client-node';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/** Longest any single request may take (a list of thousands of objects included). */
export const REQUEST_TIMEOUT_MS = 30_000;

export class PooledKubeConfig extends KubeConfig {
  private readonly dispatchers = new Map<string, Dispatcher>();

  constructor(private readonly requestTimeoutMs = REQUEST_TIMEOUT_MS) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    if (!context.getSignal()) context.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
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

  /**
   * Closes every pooled connection, cutting off requests under way: closing gracefully would
   * wait for a connection still trying to reach a silent cluster (up to undici's 10 s).
   */
  async close(): Promise<void> {
    await Promise.all([...this.dispatchers.values()].map((dispatcher) => dispatcher.destroy()));
    this.dispatchers.clear();
  }
}
