// Builds the volunteer page and the dashboard with Vite, each only when its sources changed since its last build
// (`pnpm start` calls this; `pnpm build:web` always rebuilds).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildIsCurrent, sourceHash, writeStamp } from './web-build-stamp.js';

export interface WebApp {
  name: string;
  dir: string;
  /** Workspace packages the app bundles, besides its own folder. */
  packages: readonly string[];
}

export const WEB_APPS: readonly WebApp[] = [
  { name: 'volunteer page', dir: 'apps/volunteer', packages: ['protocol', 'core', 'client', 'web-kit'] },
  { name: 'dashboard', dir: 'apps/admin', packages: ['protocol', 'web-kit'] },
];

export function appInputs(app: WebApp): string[] {
  return [app.dir, ...app.packages.map((p) => `packages/${p}/src`), ...app.packages.map((p) => `packages/${p}/package.json`), 'tools/vite', 'pnpm-lock.yaml'];
}

/** Builds each app whose sources changed (every app with `always`); says which were current. Throws when a build fails. */
export function buildChangedWebApps(root: string, log: (line: string) => void, options: { always?: boolean } = {}): void {
  for (const app of WEB_APPS) {
    const hash = sourceHash(root, appInputs(app));
    const outDir = join(root, app.dir, 'dist');
    if (!options.always && buildIsCurrent(outDir, hash)) {
      log(`${app.name}: build is current (${app.dir}/dist)`);
      continue;
    }
    log(`${app.name}: ${options.always ? 'building' : 'sources changed, building'}…`);
    const vite = join(root, 'node_modules/vite/bin/vite.js');
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', app.dir], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`building the ${app.name} failed (vite build ${app.dir} exited with ${result.status ?? result.signal})`);
    writeStamp(outDir, hash);
  }
}
