/**
 * The HTTP surface: health, metrics, the designs API and the web client. Every error leaves as
 * `{error:{code,message}}` from the one `onError` below.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CHECKS } from '../../shared/checks/bestPractices.js';
import { KUBERNETES_RELATIONSHIPS } from '../../shared/relationships/kubernetes.js';
import type { ConnectionRegistry } from '../connections/connectionRegistry.js';
import type { Environments } from '../connections/environments.js';
import type { DeploymentService } from '../deploy/deploymentService.js';
import type { DesignService } from '../designs/designService.js';
import type { Discovery } from '../discovery/discovery.js';
import type { DriftAdoption } from '../drift/driftAdoption.js';
import type { Operations } from '../operate/operations.js';
import type { ModelRegistry } from '../models/modelRegistry.js';
import type { PolicyRegistry } from '../policies/policyRegistry.js';
import { SCHEMA_CHECK } from '../models/schemaFindings.js';
import { HubError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Registry } from '../metrics/registry.js';
import { connectionRoutes } from './connectionRoutes.js';
import { deploymentRoutes } from './deploymentRoutes.js';
import { designRoutes } from './designRoutes.js';
import { discoveryRoutes } from './discoveryRoutes.js';
import { driftRoutes } from './driftRoutes.js';
import { environmentRoutes } from './environmentRoutes.js';
import { operateRoutes } from './operateRoutes.js';
import { modelRoutes } from './modelRoutes.js';
import { policyRoutes } from './policyRoutes.js';
import type { InFlightRequests } from './inFlight.js';
import { webClient } from './webClient.js';

const MAX_JSON_BODY_BYTES = 1024 * 1024;
const MAX_UPLOAD_BODY_BYTES = 16 * 1024 * 1024;

export interface AppDeps {
  designs: DesignService;
  connections: ConnectionRegistry;
  environments: Environments;
  deployments: DeploymentService;
  discovery: Discovery;
  drift: DriftAdoption;
  operations: Operations;
  models: ModelRegistry;
  policies: PolicyRegistry;
  metrics: Registry;
  logger: Logger;
  webRoot: string;
  /** Who may frame the web client's embed widget (`--embed-origins`). */
  embedOrigins: readonly string[];
  /** Counts requests so that shutdown can wait for them. */
  inFlight: InFlightRequests;
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });

const limitBody = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: (c) =>
      c.json(errorBody('body_too_large', `request bodies are limited to ${maxSize} bytes`), 413),
  });

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(deps.inFlight.track);

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/metrics', (c) =>
    c.text(deps.metrics.render(), 200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
    }),
  );

  // Manifest and CRD imports and policy bundles are larger than any JSON body the API takes.
  const uploads = new Set(['/api/designs/import', '/api/models/import', '/api/policies']);
  app.use('/api/*', async (c, next) =>
    limitBody(uploads.has(c.req.path) ? MAX_UPLOAD_BODY_BYTES : MAX_JSON_BODY_BYTES)(c, next),
  );
  app.route('/api', deploymentRoutes(deps.deployments));
  app.route('/api', driftRoutes(deps.drift));
  app.route('/api', operateRoutes(deps.operations));
  app.route('/api', discoveryRoutes(deps.discovery));
  app.route('/api/designs', designRoutes(deps.designs));
  app.route('/api/models', modelRoutes(deps.models));
  app.route('/api/policies', policyRoutes(deps.policies));
  app.route('/api/connections', connectionRoutes(deps.connections));
  app.route('/api/environments', environmentRoutes(deps.environments));
  app.get('/api/checks', (c) => c.json([SCHEMA_CHECK, ...CHECKS]));
  app.get('/api/relationships', (c) => c.json(KUBERNETES_RELATIONSHIPS));
  app.all('/api/*', (c) =>
    c.json(errorBody('not_found', `no API route ${c.req.method} ${c.req.path}`), 404),
  );

  app.route('/', webClient(deps.webRoot, deps.embedOrigins));

  app.notFound((c) => c.json(errorBody('not_found', `nothing at ${c.req.path}`), 404));
  app.onError((error, c) => {
    if (error instanceof HubError)
      return c.json(errorBody(error.code, error.message), error.status);
    if (error instanceof HTTPException) {
      return c.json(errorBody('http_error', error.message), error.status as ContentfulStatusCode);
    }
    deps.logger.error(`unhandled error on ${c.req.method} ${c.req.path}`, error);
    return c.json(errorBody('internal', 'internal error'), 500);
  });
  return app;
}
