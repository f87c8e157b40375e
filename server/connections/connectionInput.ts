/**
 * Validation of `POST /api/connections` bodies: `{name, kubeconfig, context?}`. The kubeconfig
 * itself is checked by `checkSubmittedKubeconfig`.
 */
import { objectWith, textField } from '../bodyFields.js';
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
