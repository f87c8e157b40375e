/**
 * Serves the built web client (`dist/web`) with an index.html fallback for client-side routes.
 * When the client has not been built, a short page says how to build it. Only the embed widget
 * (`/embed/…`) may be framed by other sites (`--embed-origins`); every other page only by the
 * hub's own, so that nobody can overlay the editor on their page and steer clicks into it.
 * Hashed assets may be cached for good; pages never without asking again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { notFound } from '../errors.js';

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>Weft</title>
<p>The Weft web client has not been built. Run <code>npm run build</code>, or start the hub with <code>npm start</code>, which builds it.</p>`;

const EMBED_PATH = '/embed';
/** Vite names every built asset by a hash of its content, so a URL there never changes meaning. */
const HASHED_ASSETS = '/assets/';
const FOREVER = 'public, max-age=31536000, immutable';

export function webClient(webRoot: string, embedOrigins: readonly string[]): Hono {
  const app = new Hono();
  const embedPolicy = `frame-ancestors ${embedOrigins.join(' ')}`;
  app.use('*', async (c, next) => {
    await next();
    const path = c.req.path;
    const embedded = path === EMBED_PATH || path.startsWith(`${EMBED_PATH}/`);
    c.header('Content-Security-Policy', embedded ? embedPolicy : "frame-ancestors 'self'");
    // Assets are kept by the browser (a reload fetches none of them again, and a chunk loaded
    // once stays usable while the hub is down); pages are checked each time, so a new build is
    // picked up at once.
    const hashed = path.startsWith(HASHED_ASSETS) && c.res.status === 200;
    c.header('Cache-Control', hashed ? FOREVER : 'no-cache');
  });
  const indexPath = join(webRoot, 'index.html');
  if (!existsSync(indexPath)) return app.get('*', (c) => c.html(NOT_BUILT_PAGE));
  const indexHtml = readFileSync(indexPath, 'utf8');
  app.get('*', serveStatic({ root: webRoot }));
  // A missing asset is an error, not the page: a module answered with HTML fails obscurely.
  app.get(`${HASHED_ASSETS}*`, (c) => {
    throw notFound('asset', c.req.path);
  });
  // Client-side routes (/designs/:id, …) all load the same page.
  app.get('*', (c) => c.html(indexHtml));
  return app;
}
