/**
 * Per-request options that give a `@kubernetes/client-node` call an `AbortSignal`. The library
 * has no timeout of its own: a cluster that accepts the connection and never answers would hold
 * a request (and whoever awaits it) for minutes. Its fetch passes the request context's signal
 * on, so aborting cancels the request on the wire rather than abandoning it.
 * @example await api.getCode({}, abortable(AbortSignal.timeout(5_000)))
 */
import {
  Observable,
  type ConfigurationOptions,
  type ObservableMiddleware,
} from '@kubernetes/client-node';

export function abortable(signal: AbortSignal): ConfigurationOptions<ObservableMiddleware> {
  const giveSignal: ObservableMiddleware = {
    pre: (request) => {
      request.setSignal(signal);
      return new Observable(Promise.resolve(request));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [giveSignal], middlewareMergeStrategy: 'append' };
}
