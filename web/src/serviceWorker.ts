/**
 * Lets the web client open while the hub is unreachable. Pages are asked of the hub first and
 * the last one kept (from installation on); built assets are kept once fetched (their names are
 * hashes of their content, so a kept one is never stale); the model registry's answers
 * (palette, schemas, relationship types) are asked of the hub first and kept as a fallback. The design itself
 * comes from the copy each editing page keeps in IndexedDB, and edits made meanwhile reach the
 * hub when it is back. Nothing else is answered here: the designs API and WebSockets always go
 * to the hub.
 *
 * Built as its own entry, `/service-worker.js`, by web/vite.config.ts.
 */

// The DOM library this project compiles against has no service worker types: the little used
// here, declared.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
}
interface ServiceWorkerScope {
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
}

const worker = self as unknown as ServiceWorkerScope;

/** Change the name to drop everything kept by earlier versions. */
const CACHE = 'weft-1';
/** Every client-side route is the same page, kept once under this key. */
const PAGE_KEY = '/';
const ASSETS = '/assets/';
/**
 * The pages kept: the designs list and the editor. Not the embed widget (framed by other sites,
 * under a different frame policy), nor anything else a tab is pointed at (`/api/…`, `/metrics`).
 */
const isKeptPage = (path: string) => path === '/' || path.startsWith('/designs/');
const KEPT_API = ['/api/models', '/api/relationships'];

/** How a request of this page's origin is answered: built asset, kept API answer, or neither. */
function keptAs(url: URL): 'asset' | 'answer' | null {
  if (url.origin !== location.origin) return null;
  const path = url.pathname;
  if (path.startsWith(ASSETS)) return 'asset';
  if (KEPT_API.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return 'answer';
  return null;
}

worker.addEventListener('install', (event) => {
  // The page that installs this worker was loaded before it: keep the page from the start.
  const keepPage = caches.open(CACHE).then((cache) => cache.add(PAGE_KEY));
  event.waitUntil(keepPage.then(() => worker.skipWaiting()));
});

worker.addEventListener('activate', (event) => {
  const dropOthers = caches
    .keys()
    .then((names) =>
      Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))),
    );
  // Pages open now are served from here too, not only the next ones.
  event.waitUntil(dropOthers.then(() => worker.clients.claim()));
});

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  // Navigations reach this worker only within its scope, this origin; the rest is `keptAs`'s.
  if (request.mode === 'navigate') {
    if (isKeptPage(url.pathname)) event.respondWith(hubFirst(event, PAGE_KEY));
    return;
  }
  const kept = keptAs(url);
  if (kept === 'asset') event.respondWith(keptFirst(event));
  else if (kept === 'answer') event.respondWith(hubFirst(event, request));
});

// A page hands over the addresses it fetched (offlineReady.ts): on a first visit, its code and
// the palette came before this worker took control, and are kept now.
worker.addEventListener('message', (event) => {
  const { keep } = (event.data ?? {}) as { keep?: unknown };
  if (!Array.isArray(keep)) return;
  const urls = keep.filter((url): url is string => typeof url === 'string');
  event.waitUntil(keepFetched(urls));
});

/** Keeps the assets and API answers among `urls` that are not kept yet. */
async function keepFetched(urls: string[]): Promise<void> {
  const cache = await caches.open(CACHE);
  const wanted = urls.filter((url) => URL.canParse(url) && keptAs(new URL(url)) !== null);
  await Promise.all(
    wanted.map(async (url) => {
      if (await cache.match(url)) return;
      // Gone or unreachable meanwhile: kept the next time it is fetched.
      await cache.add(url).catch(() => undefined);
    }),
  );
}

/** The hub's answer, kept under `key`; what was kept if the hub cannot be reached. */
async function hubFirst(event: FetchEvent, key: Request | string): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(event.request);
    if (response.ok) event.waitUntil(cache.put(key, response.clone()));
    return response;
  } catch (error) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw error;
  }
}

/** What was kept, or else the hub's answer, kept from now on. */
async function keptFirst(event: FetchEvent): Promise<Response> {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(event.request);
  if (kept) return kept;
  const response = await fetch(event.request);
  if (response.ok) event.waitUntil(cache.put(event.request, response.clone()));
  return response;
}
