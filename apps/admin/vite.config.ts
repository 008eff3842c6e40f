// Vite build of the admin dashboard: served by the Node server under /admin, built into apps/admin/dist.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
