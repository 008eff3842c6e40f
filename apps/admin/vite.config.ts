// Vite build of the admin dashboard: served by the Node server under /admin, built into apps/admin/dist.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { pageHead } from '../../tools/vite/page-head.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  plugins: [pageHead({ title: 'SplitLoRA · Admin', color: '#4f46e5' })],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
