/**
 * A kubeconfig sent to `POST /api/connections`, checked before `@kubernetes/client-node` sees
 * it and cut down to the one context the connection uses.
 *
 * Whoever can reach the API must not be able to make the hub run programs or read its files:
 * client-node runs `exec` credential plugins and `auth-provider` helpers, and reads
 * `token-file` (while parsing), `client-certificate`, `client-key` and `certificate-authority`
 * from the hub's disk. A submitted kubeconfig must carry its credentials inline instead
 * (`token`, `client-certificate-data`, …). The operator's own `--kubeconfig` is not checked:
 * whoever starts the hub already runs its programs and owns its files.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { isJsonObject } from '../../shared/design/model.js';
import { badRequest } from '../errors.js';

/** What a connection keeps of a submitted kubeconfig. */
export interface CheckedKubeconfig {
  /** The kubeconfig as YAML, holding only `context`, its cluster and its user. */
  yaml: string;
  context: string;
  server: string;
}

/** Fields that make client-node run something or read a file, by where they sit. */
const UNSAFE_FIELDS = {
  user: ['exec', 'auth-provider', 'token-file', 'client-certificate', 'client-key'],
  cluster: ['certificate-authority'],
} as const;

const invalid = (message: string) => badRequest('invalid_kubeconfig', message);

/**
 * Checks `text` and picks `context` (or its current context).
 * @throws HubError 400 `invalid_kubeconfig` for anything that is not a usable kubeconfig,
 *   `unsafe_kubeconfig` for credentials the hub would have to run or read from disk.
 */
export function checkSubmittedKubeconfig(text: string, context?: string): CheckedKubeconfig {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw invalid(`the kubeconfig is not valid YAML: ${(error as Error).message}`);
  }
  if (!isJsonObject(document)) throw invalid('the kubeconfig must be a YAML mapping');
  refuseUnsafeFields(document, 'users', 'user');
  refuseUnsafeFields(document, 'clusters', 'cluster');

  const config = new KubeConfig();
  try {
    config.loadFromString(text, { onInvalidEntry: 'throw' });
  } catch (error) {
    throw invalid(`the kubeconfig cannot be read: ${(error as Error).message}`);
  }
  const name = context ?? config.getCurrentContext();
  if (!name) {
    throw invalid('the kubeconfig has no current-context: name one with "context"');
  }
  const chosen = config.getContextObject(name);
  if (!chosen) {
    const known = config.getContexts().map((c) => c.name);
    throw badRequest(
      'unknown_context',
      `the kubeconfig has no context ${JSON.stringify(name)} (it has ${known.map((c) => JSON.stringify(c)).join(', ') || 'none'})`,
    );
  }
  const cluster = config.getCluster(chosen.cluster);
  const user = config.getUser(chosen.user);
  if (!cluster) throw invalid(`context ${JSON.stringify(name)} names no known cluster`);
  if (!user) throw invalid(`context ${JSON.stringify(name)} names no known user`);
  if (!/^https?:\/\//.test(cluster.server)) {
    throw invalid(`cluster ${JSON.stringify(cluster.name)} has no http(s) server address`);
  }
  const single = new KubeConfig();
  single.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [chosen],
    currentContext: chosen.name,
  });
  return { yaml: single.exportConfig(), context: chosen.name, server: cluster.server };
}

function refuseUnsafeFields(
  document: Record<string, unknown>,
  list: 'users' | 'clusters',
  entry: keyof typeof UNSAFE_FIELDS,
): void {
  const items = document[list];
  if (items === undefined || items === null) return;
  if (!Array.isArray(items)) throw invalid(`"${list}" must be a list`);
  items.forEach((item, index) => {
    const body = isJsonObject(item) ? item[entry] : undefined;
    if (!isJsonObject(body)) return;
    for (const field of UNSAFE_FIELDS[entry]) {
      if (body[field] === undefined) continue;
      throw badRequest(
        'unsafe_kubeconfig',
        `${list}[${index}].${entry}.${field} would make the hub run a program or read a file; ` +
          'send credentials inline (token, client-certificate-data, client-key-data, ' +
          'certificate-authority-data), or add the context to the kubeconfig the hub starts with',
      );
    }
  });
}
