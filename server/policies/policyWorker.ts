/**
 * The thread policies run in. A policy is someone else's code: a loop or a trap here costs the
 * runner a worker (it terminates this thread past the time budget), never the hub's event loop.
 * Policies are kept loaded by id; the runner sends a module the first time it needs it here.
 */
import { parentPort } from 'node:worker_threads';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { WORKER_READY, type WorkerReply, type WorkerRequest } from './policyRunner.js';

const loaded = new Map<string, LoadedPolicy>();

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.kind) {
    case 'load': {
      const policy = await loadPolicy(request.wasm);
      if (request.data !== undefined) policy.setData(request.data as object);
      loaded.set(request.id, policy);
      return Object.keys(policy.entrypoints);
    }
    case 'evaluate': {
      const policy = loaded.get(request.id);
      if (!policy) throw new Error(`policy ${request.id} is not loaded`);
      // The input comes as JSON text; opa-wasm takes an ArrayBuffer as text to copy in.
      return policy.evaluate(new TextEncoder().encode(request.input).buffer, request.entrypoint);
    }
    case 'forget':
      loaded.delete(request.id);
      return null;
  }
}

parentPort!.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (value) => parentPort!.postMessage({ seq: request.seq, ok: true, value } satisfies WorkerReply),
    (error: unknown) =>
      parentPort!.postMessage({
        seq: request.seq,
        ok: false,
        // opa-wasm throws strings as well as errors.
        message: error instanceof Error ? error.message : String(error),
      } satisfies WorkerReply),
  );
});

parentPort!.postMessage(WORKER_READY);
