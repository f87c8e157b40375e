/**
 * Validation of `POST /api/connections` bodies (`{name, kubeconfig, context?}`; the kubeconfig
 * itself is checked by `checkSubmittedKubeconfig`), and of the lists of connection ids that
 * environments and deployments take.
 */
import { objectWith, textField } from '../bodyFields.js';
import { badRequest } from '../errors.js';
import type { NewConnection } from './connectionRegistry.js';

const FIELDS = new Set(['name', 'kubeconfig', 'context']);
const MAX_NAME_LENGTH = 200;
/** A kubeconfig of one cluster with inline certificates is a few KB. */
const MAX_KUBECONFIG_LENGTH = 256 * 1024;
/** Kubernetes names contexts freely, but never this long. */
const MAX_CONTEXT_LENGTH = 1_000;

export function parseNewConnection(body: unknown): NewConnection {
  const fields = objectWith(body, FIELDS);
  const input: NewConnection = {
    name: textField(fields.name, 'name', MAX_NAME_LENGTH, true),
    kubeconfig: textField(fields.kubeconfig, 'kubeconfig', MAX_KUBECONFIG_LENGTH, true),
  };
  if (fields.context !== undefined) {
    input.context = textField(fields.context, 'context', MAX_CONTEXT_LENGTH, true);
  }
  return input;
}

/** `value` as a list of connection ids that `exist`, each once, in the order given. */
export function connectionIds(value: unknown, exist: (id: string) => boolean): string[] {
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string')) {
    throw badRequest('invalid_body', '"connections" must be a list of connection ids');
  }
  const unknown = (value as string[]).filter((id) => !exist(id));
  if (unknown.length > 0) {
    throw badRequest(
      'unknown_connection',
      `no connection ${unknown.map((id) => JSON.stringify(id)).join(', ')}`,
    );
  }
  return [...new Set(value as string[])];
}
