/**
 * What the property panel fetches from the hub on demand — the YAML editor's code and the schema
 * of each kind — fetched ahead, once a design is on screen and the page is idle. The panel then
 * works in full even if the hub goes away before anyone has selected anything; and none of it
 * stands in the way of drawing a large design first. The service worker is then told to keep
 * all of it, with whatever else the page fetched, for opening the design while the hub is down.
 */
import * as Y from 'yjs';
import { DesignKey } from '../../../shared/design/convert';
import { componentSchema } from '../api';
import { loadYamlEditor } from './yamlEditorLoader';

/** How long an idle moment is waited for before fetching anyway. */
const IDLE_TIMEOUT_MS = 5_000;

/** Fetches once the page is idle: call it when the design is on screen. Returns a cancel. */
export function prepareForOffline(doc: Y.Doc): () => void {
  const idle = requestIdleCallback(() => void prefetch(doc), { timeout: IDLE_TIMEOUT_MS });
  return () => cancelIdleCallback(idle);
}

async function prefetch(doc: Y.Doc): Promise<void> {
  const kinds = new Map<string, [model: string, kind: string, apiVersion: string]>();
  for (const value of doc.getMap<unknown>(DesignKey.components).values()) {
    if (!(value instanceof Y.Map)) continue;
    const text = (key: string) => String(value.get(key) ?? '');
    const [model, kind, apiVersion] = [
      text('model') || 'kubernetes',
      text('kind'),
      text('apiVersion'),
    ];
    if (kind) kinds.set(`${model}/${kind}/${apiVersion}`, [model, kind, apiVersion]);
  }
  const loads: Promise<unknown>[] = [loadYamlEditor()];
  for (const [model, kind, apiVersion] of kinds.values()) {
    loads.push(componentSchema(model, kind, apiVersion));
  }
  // A failure is not shown here: the panel asks again when it needs what failed.
  await Promise.allSettled(loads);
  // Said on the page, for whoever needs to know the panel now works offline (the tests).
  document.documentElement.dataset.offlineReady = 'true';
  keepWhatThisPageFetched();
}

/**
 * Hands the service worker (serviceWorker.ts) the address of everything this page fetched: on a
 * first visit, the page's code and the palette came before the worker took control of it.
 * Without a service worker (not offered off localhost and https, or still installing and never
 * done) this does nothing.
 */
function keepWhatThisPageFetched(): void {
  void navigator.serviceWorker?.ready.then((registration) => {
    const fetched = performance.getEntriesByType('resource').map((entry) => entry.name);
    registration.active?.postMessage({ keep: fetched });
  });
}
