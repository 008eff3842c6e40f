// Vite build of the volunteer page: served by the Node server at /, built into apps/volunteer/dist.
// `vite dev` proxies /api and /socket.io to a running server (SPLITLORA_SERVER, default http://127.0.0.1:8099).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { pageHead } from '../../tools/vite/page-head.js';

const devServer = process.env['SPLITLORA_SERVER'] ?? 'http://127.0.0.1:8099';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [pageHead({
    title: 'Volunteer · SplitLoRA', color: '#0f766e', themeColor: true,
    description: 'Lend this browser tab to fine-tune GPT-2 with LoRA. Your files are read locally and never uploaded.',
  })],
  // The training worker bundles tfjs and its WebGPU, WebGL and wasm backends: a few MB is expected.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': devServer,
      '/healthz': devServer,
      '/socket.io': { target: devServer, ws: true },
    },
  },
});
