// Vite build of the client benchmark page (bench/browser), served by `pnpm bench client` from artifacts/bench.
// @tensorflow/tfjs-backend-webgpu is not a root dependency: it resolves through the volunteer app's node_modules.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webgpu = fileURLToPath(new URL('../../apps/volunteer/node_modules/@tensorflow/tfjs-backend-webgpu', import.meta.url));

export const BENCH_PAGE_OUT = fileURLToPath(new URL('../../artifacts/bench/browser-page', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  resolve: { alias: existsSync(webgpu) ? { '@tensorflow/tfjs-backend-webgpu': webgpu } : {} },
  build: {
    outDir: BENCH_PAGE_OUT, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8192, reportCompressedSize: false,
    rollupOptions: {
      // zod's sources carry /* @__PURE__ */ comments Rollup cannot place; harmless, and noise in the bench output.
      onwarn: (warning, warn) => (warning.code === 'INVALID_ANNOTATION' ? undefined : warn(warning)),
    },
  },
});
