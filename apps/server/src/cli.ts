// `pnpm start`: starts the SplitLoRA server (volunteer page at /, dashboard at /admin/), optionally resuming a
// run after a crash (--resume <run folder>) or creating one from a JSON config (--run config.json [--start]).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_MODEL, describeIssues, describeModel, runConfigSchema } from '@splitlora/protocol';
import { resolveAdminToken } from './access/admin-token-source.js';
import { parseAllowedOrigins } from './access/origin-policy.js';
import { numberFlag, parseCli } from './cli-args.js';
import { SERVER_HELP } from './cli-help.js';
import { downloadModelCommand } from './download-model.js';
import { createServer, REPO_ROOT } from './server.js';
import { runWorker, scaleRole } from './scale/scale-cli.js';
import { startCoordinator } from './scale/coordinator.js';
import { ensureDataDir, NODE_BACKEND_CHOICES, type NodeBackendChoice } from '@splitlora/node';


async function main(): Promise<void> {
  const { values } = parseCli({
    port: { type: 'string' }, host: { type: 'string' }, 'admin-token': { type: 'string' }, backend: { type: 'string' },
    'data-dir': { type: 'string' }, 'runs-dir': { type: 'string' }, 'models-dir': { type: 'string' }, run: { type: 'string' },
    start: { type: 'boolean' }, resume: { type: 'string' }, 'max-message-mb': { type: 'string' }, 'download-model': { type: 'string' },
    quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, 'allowed-origins': { type: 'string' }, 'admin-token-file': { type: 'string' },
    'print-admin-url': { type: 'boolean' }, 'invite-token': { type: 'string' }, 'max-connections-per-ip': { type: 'string' },
    'max-joins-per-minute': { type: 'string' }, 'trust-proxy': { type: 'boolean' },
    role: { type: 'string' }, redis: { type: 'string' }, 'worker-name': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(SERVER_HELP);
    return;
  }
  if (values['download-model'] !== undefined) {
    await downloadModelCommand(values['download-model'], values['models-dir'] ?? join(process.cwd(), 'models'));
    return;
  }
  const backend = (values.backend ?? 'auto') as NodeBackendChoice;
  if (!NODE_BACKEND_CHOICES.includes(backend)) throw new Error(`--backend must be one of ${NODE_BACKEND_CHOICES.join(', ')}, found "${backend}"`);
  // The tokenizer and evaluation files: the given folder, $SPLITLORA_DATA_DIR, ../shared/data, or downloaded.
  const dataDir = await ensureDataDir(values['data-dir'], (line) => process.stderr.write(`${line}\n`)).catch((error: Error) => {
    process.stderr.write(`warning: ${error.message}\n`);
    return values['data-dir'];
  });
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new Error('--tls-cert and --tls-key go together: give both PEM files or neither');
  const tls = values['tls-cert'] === undefined ? undefined : { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) };
  const runsDir = resolve(values['runs-dir'] ?? join(REPO_ROOT, 'runs'));
  // The admin token outlives restarts (file or environment), so an open dashboard stays signed in after --resume.
  const adminToken = values['admin-token'] !== undefined
    ? { token: values['admin-token'], origin: 'from --admin-token (visible in the process list; prefer --admin-token-file or $SPLITLORA_ADMIN_TOKEN)', file: null }
    : resolveAdminToken({ tokenFile: values['admin-token-file'], env: process.env, runsDir });
  const invite = values['invite-token'] === 'auto' ? randomBytes(9).toString('base64url') : values['invite-token'];
  const serverOptions = {
    port: numberFlag(values.port, 'port', 8080), host: values.host ?? '0.0.0.0', adminToken: adminToken.token,
    backend, dataDir, runsDir, modelsDir: values['models-dir'],
    maxMessageBytes: numberFlag(values['max-message-mb'], 'max-message-mb', 64) * 1024 * 1024, quiet: values.quiet,
    resumeDir: values.resume, ...(tls ? { tls } : {}),
    access: {
      allowedOrigins: parseAllowedOrigins(values['allowed-origins']), ...(invite ? { inviteToken: invite } : {}), trustProxy: values['trust-proxy'] ?? false,
      addressLimits: {
        connectionsPerAddress: numberFlag(values['max-connections-per-ip'], 'max-connections-per-ip', 32),
        joinsPerMinute: numberFlag(values['max-joins-per-minute'], 'max-joins-per-minute', 60),
      },
    },
  };
  const role = scaleRole(values.role, values.redis, values['worker-name']);
  if (role?.role === 'worker') {
    if (values.run !== undefined) throw new Error('--run belongs to the coordinator (--role coordinator)');
    return runWorker(role, serverOptions);
  }
  const server = role?.role === 'coordinator' ? await startCoordinator({ ...serverOptions, redisUrl: role.redisUrl }) : await createServer(serverOptions);

  if (values.resume === undefined && values.run !== undefined) {
    const parsed = runConfigSchema.safeParse(JSON.parse(readFileSync(values.run, 'utf8')));
    if (!parsed.success) throw new Error(`${values.run}: ${describeIssues(parsed.error)}`);
    const run = await server.host.create(parsed.data);
    if (values.start) run.start();
  }
  const dashboard = values['print-admin-url'] ? `${server.url}/admin/?token=${encodeURIComponent(server.adminToken)}` : `${server.url}/admin/`;
  process.stdout.write(`\nSplitLoRA ${role?.role ?? 'server'} ready (tfjs ${server.backend} on ${server.device.name})\n` +
    `  volunteers: ${role === null ? `${server.url}/${invite ? `?invite=${invite}` : ''}` : 'through the split workers (--role worker)'}\n` +
    `  dashboard:  ${dashboard}\n` +
    `  admin token ${adminToken.origin}${values['print-admin-url'] ? '' : ' (--print-admin-url prints a signed-in link)'}\n` +
    `  model: ${describeModel(server.host.current?.config.model ?? DEFAULT_MODEL)}${server.host.current ? '' : ' by default in the run form'}\n\n`);
  const shutdown = () => {
    process.stdout.write('shutting down…\n');
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

// The server must never die of one bad request: log stray async errors instead of crashing.
process.on('unhandledRejection', (reason) => process.stderr.write(`unhandled rejection (server keeps running): ${(reason as Error)?.stack ?? String(reason)}\n`));

main().catch((error: Error) => {
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
});
