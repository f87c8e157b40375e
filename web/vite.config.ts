import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  plugins: [svelte()],
  build: { outDir: '../dist/web', emptyOutDir: true },
  server: {
    proxy: { '/api': 'http://127.0.0.1:7420', '/ws': { target: 'ws://127.0.0.1:7420', ws: true } },
  },
});
