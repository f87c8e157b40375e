/**
 * The `Status` a Kubernetes API call failed with, read from client-node's `ApiException`.
 */
import { ApiException } from '@kubernetes/client-node';

export interface KubeStatus {
  code: number;
  reason: string;
  message: string;
  details?: Record<string, any>;
}

/**
 * Awaits `call`, which must fail with an API error, and resolves to its `Status`.
 *
 * @example expect((await failedStatus(core.readNamespacedPod({ name, namespace }))).code).toBe(404)
 */
export async function failedStatus(call: Promise<unknown>): Promise<KubeStatus> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    const { reason, message, details } = body as KubeStatus;
    return { code: error.code, reason, message, ...(details ? { details } : {}) };
  }
  throw new Error('the call succeeded');
}
