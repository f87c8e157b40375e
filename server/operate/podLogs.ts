/**
 * A pod container's log as a stream. The pod is read first (client-node's CoreV1Api), so that a
 * missing pod or an unknown or ambiguous container gets a clear error before anything is
 * streamed. The log itself is fetched the way client-node's `Log` fetches it (its kubeconfig
 * authenticates the request and gives the connection), but handed on as the response's own
 * stream: `Log` pipes it into a Node stream, and aborting a followed log then throws an
 * `AbortError` nobody can catch, which would take the hub down whenever a reader leaves.
 */
import { CoreV1Api, HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { badRequest, HubError, notFound } from '../errors.js';
import { clusterFailure } from '../kube/failure.js';

export interface LogRequest {
  namespace: string;
  pod: string;
  container?: string;
  tailLines?: number;
  follow: boolean;
}

const MAX_TAIL_LINES = 100_000;

export function parseLogRequest(query: Record<string, string | undefined>): LogRequest {
  const { namespace, pod, container, tailLines, follow } = query;
  if (!namespace || !pod) throw badRequest('invalid_query', 'give the "namespace" and "pod"');
  const request: LogRequest = { namespace, pod, follow: follow === 'true' || follow === '1' };
  if (container) request.container = container;
  if (tailLines !== undefined) {
    const lines = Number(tailLines);
    if (!Number.isInteger(lines) || lines < 0 || lines > MAX_TAIL_LINES) {
      throw badRequest(
        'invalid_query',
        `"tailLines" must be an integer from 0 to ${MAX_TAIL_LINES}`,
      );
    }
    request.tailLines = lines;
  }
  return request;
}

/** The log as a stream; cancelling it ends the request to the cluster. */
export async function openPodLog(
  config: KubeConfig,
  request: LogRequest,
): Promise<ReadableStream<Uint8Array>> {
  let pod;
  try {
    pod = await config
      .makeApiClient(CoreV1Api)
      .readNamespacedPod({ name: request.pod, namespace: request.namespace });
  } catch (error) {
    if (clusterFailure(error).code === 404)
      throw notFound('pod', `${request.namespace}/${request.pod}`);
    throw error;
  }
  const names = (pod.spec?.containers ?? []).map((container) => container.name);
  const container = request.container ?? (names.length === 1 ? names[0] : undefined);
  if (!container || !names.includes(container)) {
    throw badRequest(
      'invalid_query',
      `name the "container" of pod ${request.pod}: one of ${names.join(', ')}`,
    );
  }
  const url = new URL(
    `${config.getCurrentCluster()!.server}/api/v1/namespaces/${encodeURIComponent(request.namespace)}` +
      `/pods/${encodeURIComponent(request.pod)}/log`,
  );
  url.searchParams.set('container', container);
  if (request.follow) url.searchParams.set('follow', 'true');
  if (request.tailLines !== undefined) url.searchParams.set('tailLines', String(request.tailLines));
  const context = new RequestContext(url.toString(), HttpMethod.GET);
  await config.applySecurityAuthentication(context);
  const response = await fetch(url, {
    headers: context.getHeaders(),
    dispatcher: context.getDispatcher(),
  });
  if (!response.ok || !response.body) {
    const status = (await response.json().catch(() => ({}))) as { message?: string };
    throw new HubError(
      response.status === 404 ? 404 : 400,
      'log_unavailable',
      status.message ?? `the cluster answered ${response.status} for the log`,
    );
  }
  // Handed on through a stream of our own: when the reader leaves, the server cancels it, and
  // the cancel reaches the cluster's response (no abort, so no AbortError to escape).
  const source = response.body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(sink) {
      const { done, value } = await source.read();
      if (done) sink.close();
      else sink.enqueue(value);
    },
    cancel: (reason) => source.cancel(reason),
  });
}
