// `pnpm typecheck`: type-checks every project of the workspace with its own tsconfig (platform-free packages
// without DOM or Node types), and says which one failed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROJECTS = [
  'packages/protocol/tsconfig.json', 'packages/core/tsconfig.json', 'packages/core/tsconfig.test.json', 'packages/client/tsconfig.json',
  'packages/node/tsconfig.json', 'packages/web-kit/tsconfig.json', 'apps/server/tsconfig.json', 'apps/server/tsconfig.test.json',
  'apps/fleet/tsconfig.json', 'apps/demo/tsconfig.json', 'apps/evaluate/tsconfig.json',
  'apps/admin/tsconfig.json', 'apps/volunteer/tsconfig.json', 'apps/volunteer/tsconfig.test.json', 'e2e/tsconfig.json',
  'tools/tsconfig.json', 'bench/tsconfig.json',
];

const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const failed: string[] = [];
for (const project of PROJECTS) {
  if (!existsSync(join(ROOT, project))) {
    failed.push(`${project} (missing)`);
    continue;
  }
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { cwd: ROOT, stdio: 'inherit' });
  process.stdout.write(`${result.status === 0 ? 'ok  ' : 'FAIL'} ${project}\n`);
  if (result.status !== 0) failed.push(project);
}
if (failed.length > 0) {
  process.stderr.write(`type errors in: ${failed.join(', ')}\n`);
  process.exit(1);
}
