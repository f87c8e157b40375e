/**
 * Runs policy modules in a worker thread, one request at a time, each within a time budget. A
 * request that overruns it terminates the worker (the only way to stop a WebAssembly loop) and
 * fails with a PolicyFailure; the next request starts a fresh worker and loads again what it
 * needs. The hub's event loop never runs policy code.
 */
import { Worker } from 'node:worker_threads';

/** Why a policy could not be loaded or evaluated; reported as a finding, never thrown further. */
export class PolicyFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyFailure';
  }
}

export type WorkerRequest =
  | { seq: number; kind: 'load'; id: string; wasm: Uint8Array; data: unknown }
  | { seq: number; kind: 'evaluate'; id: string; entrypoint: string; input: string }
  | { seq: number; kind: 'forget'; id: string };

export type WorkerReply =
  { seq: number; ok: true; value: unknown } | { seq: number; ok: false; message: string };

/** The worker's first message: it has loaded and takes requests. */
export const WORKER_READY = 'ready';

/** A policy module as the runner needs it; `version` changes when it is uploaded again. */
export interface PolicyModule {
  id: string;
  version: string;
  wasm: Uint8Array;
  data: unknown;
}

type Request =
  { kind: 'load'; module: PolicyModule } | WorkerEvaluate | { kind: 'forget'; id: string };
type WorkerEvaluate = { kind: 'evaluate'; module: PolicyModule; entrypoint: string; input: string };

/**
 * The worker's code. Running from source (tests, `npm run dev`) it is TypeScript, so a small
 * bootstrap loads it through tsx, as the hub itself is loaded.
 */
function newWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./policyWorker.js', import.meta.url));
  }
  const source = JSON.stringify(new URL('./policyWorker.ts', import.meta.url).href);
  const bootstrap = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${source}, ${source}))`;
  return new Worker(bootstrap, { eval: true });
}

/** Starting a worker (and, from source, compiling it) is not the policy's time. */
const WORKER_START_TIMEOUT_MS = 30_000;

export class PolicyRunner {
  private worker: Promise<Worker> | null = null;
  /** The thread behind `worker`, once created. */
  private thread: Worker | null = null;
  /** `id@version` of every module the current worker holds. */
  private readonly loaded = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private closed = false;

  constructor(private readonly budgetMs: number) {}

  /** Loads a module to check that it works; resolves with its entrypoints. */
  inspect(module: PolicyModule): Promise<string[]> {
    return this.enqueue({ kind: 'load', module }) as Promise<string[]>;
  }

  /** The value of `entrypoint` for `input` (JSON text): OPA's result set. */
  evaluate(module: PolicyModule, entrypoint: string, input: string): Promise<unknown> {
    return this.enqueue({ kind: 'evaluate', module, entrypoint, input });
  }

  /** Drops every loaded version of a module (it was deleted or replaced). */
  forget(id: string): void {
    for (const key of this.loaded) if (key.startsWith(`${id}@`)) this.loaded.delete(key);
    void this.enqueue({ kind: 'forget', id }).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = await this.worker?.catch(() => null);
    this.worker = null;
    await worker?.terminate();
  }

  private enqueue(request: Request): Promise<unknown> {
    const result = this.queue.then(() => this.run(request));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async run(request: Request): Promise<unknown> {
    if (this.closed) throw new PolicyFailure('the hub is shutting down');
    if (request.kind === 'forget') {
      return this.worker ? this.send({ seq: 0, kind: 'forget', id: request.id }) : null;
    }
    const { module } = request;
    const key = `${module.id}@${module.version}`;
    if (request.kind === 'load' || !this.loaded.has(key)) {
      const { id, wasm, data } = module;
      const entrypoints = await this.send({ seq: 0, kind: 'load', id, wasm, data });
      this.loaded.add(key);
      if (request.kind === 'load') return entrypoints;
    }
    const { entrypoint, input } = request;
    return this.send({ seq: 0, kind: 'evaluate', id: module.id, entrypoint, input });
  }

  /** Sends one request to the worker and waits for its reply, at most `budgetMs`. */
  private async send(request: WorkerRequest): Promise<unknown> {
    const worker = await this.startedWorker();
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: WorkerReply) => {
        if (reply.seq !== seq) return;
        finish();
        if (reply.ok) resolve(reply.value);
        else reject(new PolicyFailure(reply.message));
      };
      const onExit = () => {
        finish();
        this.dropWorker(worker);
        reject(new PolicyFailure('the policy worker stopped'));
      };
      const timer = setTimeout(() => {
        finish();
        this.dropWorker(worker);
        void worker.terminate();
        reject(new PolicyFailure(`did not finish within ${this.budgetMs} ms`));
      }, this.budgetMs);
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      worker.postMessage({ ...request, seq });
    });
  }

  /** The current worker, started (and waited for) if there is none. */
  private startedWorker(): Promise<Worker> {
    this.worker ??= new Promise<Worker>((resolve, reject) => {
      const worker = newWorker();
      this.thread = worker;
      // Errors end the worker and surface through 'exit'; the hub keeps running.
      worker.on('error', () => undefined);
      worker.unref();
      const timer = setTimeout(() => {
        void worker.terminate();
        fail(`the policy worker did not start within ${WORKER_START_TIMEOUT_MS} ms`);
      }, WORKER_START_TIMEOUT_MS);
      const fail = (message: string) => {
        clearTimeout(timer);
        this.dropWorker(worker);
        reject(new PolicyFailure(message));
      };
      worker.once('exit', () => fail('the policy worker could not start'));
      worker.once('message', (message: unknown) => {
        if (message !== WORKER_READY) return fail('the policy worker did not start as expected');
        clearTimeout(timer);
        worker.removeAllListeners('exit');
        resolve(worker);
      });
    });
    return this.worker;
  }

  /** Forgets a worker that stopped or overran; the next request starts another. */
  private dropWorker(worker: Worker): void {
    if (this.thread !== worker) return;
    this.worker = null;
    this.thread = null;
    this.loaded.clear();
  }
}
