/**
 * The client's routes, read from the address bar: the designs list, the editor, the embed
 * widget, the connections page and a cluster's live page. Links call `navigate` so moving between pages never reloads the app.
 */

export type Route =
  | { page: 'designs' }
  | { page: 'editor'; designId: string }
  | { page: 'embed'; designId: string; interactive: boolean }
  | { page: 'connections' }
  | { page: 'cluster'; connectionId: string; select: string | null }
  | { page: 'notFound'; path: string };

const EDITOR_PATH = /^\/designs\/([A-Za-z0-9_-]{1,64})\/?$/;
const EMBED_PATH = /^\/embed\/designs\/([A-Za-z0-9_-]{1,64})\/?$/;
const CLUSTER_PATH = /^\/clusters\/([A-Za-z0-9_.-]{1,128})\/?$/;

export function parseRoute(url: URL): Route {
  if (url.pathname === '/' || url.pathname === '') return { page: 'designs' };
  const editor = EDITOR_PATH.exec(url.pathname);
  if (editor) return { page: 'editor', designId: editor[1]! };
  const embed = EMBED_PATH.exec(url.pathname);
  if (embed) {
    const interactive = url.searchParams.get('interactive') === '1';
    return { page: 'embed', designId: embed[1]!, interactive };
  }
  if (url.pathname === '/connections' || url.pathname === '/connections/') {
    return { page: 'connections' };
  }
  const cluster = CLUSTER_PATH.exec(url.pathname);
  if (cluster) {
    return { page: 'cluster', connectionId: cluster[1]!, select: url.searchParams.get('select') };
  }
  return { page: 'notFound', path: url.pathname };
}

class Router {
  route = $state<Route>(parseRoute(new URL(window.location.href)));

  constructor() {
    window.addEventListener('popstate', () => this.sync());
  }

  navigate(path: string): void {
    window.history.pushState(null, '', path);
    this.sync();
  }

  private sync(): void {
    this.route = parseRoute(new URL(window.location.href));
  }
}

export const router = new Router();

/** Click handler for in-app links: plain clicks navigate in place, modified clicks open tabs. */
export function followLink(event: MouseEvent): void {
  const anchor = event.currentTarget as HTMLAnchorElement;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    return;
  event.preventDefault();
  router.navigate(anchor.getAttribute('href') ?? '/');
}

export const editorPath = (designId: string): string => `/designs/${designId}`;
export const embedPath = (designId: string): string => `/embed/designs/${designId}`;
export const connectionsPath = '/connections';

interface ObjectName {
  kind: string;
  namespace?: string;
  name: string;
}

/** How the cluster page's address names the object it opens on: `Kind/namespace/name`. */
export const objectKey = ({ kind, namespace, name }: ObjectName): string =>
  `${kind}/${namespace ?? ''}/${name}`;

/** A cluster's page, opened on one object if `select` is given. */
export const clusterPath = (connectionId: string, select?: ObjectName): string =>
  `/clusters/${encodeURIComponent(connectionId)}${select ? `?select=${encodeURIComponent(objectKey(select))}` : ''}`;
