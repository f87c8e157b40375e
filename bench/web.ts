/**
 * `npm run bench:web`: the editor in headless Chromium with a 1,000-component design.
 *
 * Builds the client as `npm start` does, starts the compiled hub (pinned to core 0), writes the
 * design through a stock y-websocket client, then measures:
 * - first render: from navigation to the status "Saved", a node drawn and the next frame;
 * - remote edit: a rename written by the Node client until the other page shows it (polled
 *   every animation frame in the page);
 * - pan/zoom frame time: animation-frame intervals while the mouse wheel pans and zooms (60
 *   wheel steps, or as many as fit in 30 s);
 * - the gzipped size of the JavaScript the editor route loads.
 * Prints one JSON line; progress on stderr. Environment: BENCH_COMPONENTS (1000), BENCH_EDITS (40).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { newComponent } from '../shared/design/componentDefaults.js';
import { DesignKey, writeComponent, writeLayout } from '../shared/design/convert.js';
import { designRoom } from '../shared/rooms.js';
import { CHROMIUM_LAUNCH } from '../test/helpers/chromium.js';
import { tempDataDir } from './lib/dataDir.js';
import { waitUntil } from './lib/pace.js';
import { machine } from './lib/proc.js';
import { round, summarize } from './lib/stats.js';
import { createDesign, startWeft } from './lib/weftHub.js';

const COMPONENTS = Number(process.env.BENCH_COMPONENTS ?? 1_000);
const EDITS = Number(process.env.BENCH_EDITS ?? 40);
const COLUMNS = 40;
/** Generous: the point is to measure slow edits, not to give up on them. */
const EDIT_TIMEOUT_MS = 60_000;
const PAN_BUDGET_MS = 30_000;
const percentile95 = (samples: number[]) =>
  [...samples].sort((a, b) => a - b)[Math.ceil(0.95 * samples.length) - 1] ?? NaN;
const log = (line: string) => process.stderr.write(`${line}\n`);

await build({ configFile: 'web/vite.config.ts', logLevel: 'silent' });
const assets = 'dist/web/assets';
const editorJsGzipBytes = readdirSync(assets)
  .filter((file) => file.endsWith('.js') && !file.startsWith('EmbedPage'))
  .reduce((sum, file) => sum + gzipSync(readFileSync(`${assets}/${file}`)).byteLength, 0);

const data = await tempDataDir('weft-web-');
const hub = await startWeft(0, data.path);
const designId = await createDesign(hub.url, 'bench');
const doc = new Y.Doc();
const writer = new WebsocketProvider(hub.wsUrl, designRoom(designId), doc, {
  WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  disableBc: true,
});
if (!(await waitUntil(() => writer.synced, 10_000))) throw new Error('the writer did not sync');
const kinds = ['Deployment', 'Service', 'ConfigMap', 'Secret'] as const;
doc.transact(() => {
  for (let index = 0; index < COMPONENTS; index++) {
    const kind = kinds[index % kinds.length]!;
    const id = `c${index}`;
    const component = newComponent({
      id,
      model: 'kubernetes',
      kind,
      apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
      namespaced: true,
      takenNames: new Set(),
    });
    writeComponent(doc, { ...component, name: `${component.name}-${index}` });
    writeLayout(doc, id, { x: (index % COLUMNS) * 240, y: Math.floor(index / COLUMNS) * 100 });
  }
});
log(`wrote ${COMPONENTS} components`);

const browser = await chromium.launch(CHROMIUM_LAUNCH);
const open = async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(() =>
    localStorage.setItem('weft:identity', JSON.stringify({ name: 'Bench', color: '#0090ff' })),
  );
  const started = Date.now();
  await page.goto(`${hub.url}/designs/${designId}`);
  await page.locator('[data-status="saved"]').waitFor({ timeout: 60_000 });
  await page.locator('.svelte-flow__node').first().waitFor({ timeout: 60_000 });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  return { page, firstRenderMs: Date.now() - started };
};
const first = await open();
const second = await open();
log(`first render ${first.firstRenderMs} ms, ${second.firstRenderMs} ms`);

// Remote edits: rename a component the page shows, wait for the page to draw the new name.
const visible = await second.page
  .locator('.svelte-flow__node')
  .first()
  .getAttribute('data-id', { timeout: EDIT_TIMEOUT_MS });
const components = doc.getMap<Y.Map<unknown>>(DesignKey.components);
const editLatencies: number[] = [];
for (let edit = 0; edit < EDITS; edit++) {
  const name = `renamed-${edit}`;
  const waiting = second.page.waitForFunction(
    (expected) => document.querySelector(`[data-name="${expected}"]`) !== null,
    name,
    { polling: 'raf', timeout: EDIT_TIMEOUT_MS },
  );
  const started = performance.now();
  components.get(visible!)!.set('name', name);
  await waiting;
  editLatencies.push(performance.now() - started);
}
const edits = summarize(editLatencies);
log(`remote edit p50 ${edits.p50} ms`);

// Pan and zoom with the wheel while recording frame intervals in the page.
const page = first.page;
await page.mouse.move(700, 450);
// A string, not a function: tsx would wrap a named inner function in a helper the page lacks.
await page.evaluate(`{
  const frames = (window.benchFrames = []);
  let last = performance.now();
  requestAnimationFrame(function tick(now) {
    frames.push(now - last);
    last = now;
    requestAnimationFrame(tick);
  });
}`);
// Bounded in time as well: a page that drops frames badly would otherwise take many minutes.
const panDeadline = performance.now() + PAN_BUDGET_MS;
for (let step = 0; step < 60 && performance.now() < panDeadline; step++) {
  await page.mouse.wheel(step % 20 < 10 ? 40 : -40, step % 2 === 0 ? 30 : -30);
  if (step % 15 === 0) {
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, step % 30 === 0 ? -100 : 100);
    await page.keyboard.up('Control');
  }
}
const frames = (
  await page.evaluate(() => (window as unknown as { benchFrames: number[] }).benchFrames)
).slice(2);
const frameP95 = percentile95(frames);

await browser.close();
writer.destroy();
await hub.stop();
await data.remove();

console.log(
  JSON.stringify({
    bench: 'web',
    machine: machine(),
    components: COMPONENTS,
    firstRenderMs: [first.firstRenderMs, second.firstRenderMs],
    firstRenderTargetMs: 1500,
    remoteEditMs: { ...edits, p95: round(percentile95(editLatencies), 1) },
    remoteEditTargetP95Ms: 100,
    panFrameMs: {
      frames: frames.length,
      p95: round(frameP95, 1),
      max: round(Math.max(...frames), 1),
    },
    panFrameTargetP95Ms: 16,
    editorJsGzipKB: round(editorJsGzipBytes / 1024, 1),
    editorBudgetKB: 400,
  }),
);
