import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/** The service worker's entry, built to a fixed name at the root: its scope is the whole site. */
const SERVICE_WORKER = 'service-worker';

export default defineConfig({
  root: 'web',
  plugins: [svelte()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // The YAML editor (CodeMirror and `yaml`, about 520 KB before gzip) is one chunk on
    // purpose, loaded only when needed; every build, `npm start` included, warned about it.
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      input: { index: 'web/index.html', [SERVICE_WORKER]: 'web/src/serviceWorker.ts' },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === SERVICE_WORKER ? `${SERVICE_WORKER}.js` : 'assets/[name]-[hash].js',
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:7420', '/ws': { target: 'ws://127.0.0.1:7420', ws: true } },
  },
});
