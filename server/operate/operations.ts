/**
 * Operating clusters: actions (each recorded in the activity log, whether it worked or not) and
 * pod logs, on any connection.
 */
import type { ConnectionRegistry } from '../connections/connectionRegistry.js';
import { HubError } from '../errors.js';
import { clusterFailure } from '../kube/failure.js';
import type { Activity } from '../../shared/operate/connections.js';
import type { ActivityLog } from './activityLog.js';
import { parseAction, runAction } from './clusterActions.js';
import { openPodLog, parseLogRequest } from './podLogs.js';

export class Operations {
  constructor(
    private readonly connections: ConnectionRegistry,
    readonly activity: ActivityLog,
  ) {}

  /** Runs an action and records it; a refusal by the cluster is recorded, then thrown. */
  async act(connection: string, body: unknown): Promise<Activity> {
    const config = this.connections.kubeConfig(connection);
    const request = parseAction(body);
    const { action, kind, name, by } = request;
    const entry = {
      by,
      connection,
      action,
      kind,
      name,
      ...(request.namespace ? { namespace: request.namespace } : {}),
      ...(request.replicas === undefined ? {} : { replicas: request.replicas }),
    };
    try {
      const message = await runAction(config, request);
      return await this.activity.record({ ...entry, result: 'succeeded', message });
    } catch (error) {
      const failure = clusterFailure(error);
      await this.activity.record({ ...entry, result: 'failed', message: failure.message });
      const status = failure.code === 404 ? 404 : failure.code === 409 ? 409 : 502;
      throw new HubError(status, 'action_failed', `${action} ${kind} ${name}: ${failure.message}`);
    }
  }

  logs(connection: string, query: Record<string, string | undefined>) {
    return openPodLog(this.connections.kubeConfig(connection), parseLogRequest(query));
  }
}
