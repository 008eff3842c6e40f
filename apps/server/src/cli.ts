// `pnpm start`: starts the SplitLoRA server (volunteer page at /, dashboard at /admin/), optionally resuming a
// run after a crash (--resume <run folder>) or creating one from a JSON config (--run config.json [--start]).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL, describeIssues, describeModel, runConfigSchema } from '@splitlora/protocol';
import { numberFlag, parseCli } from './cli-args.js';
import { downloadModelCommand } from './download-model.js';
import { createServer } from './server.js';
import { ensureDataDir, NODE_BACKEND_CHOICES, type NodeBackendChoice } from '@splitlora/node';

const HELP = `SplitLoRA server

  pnpm start [-- options]

  --port N              port to listen on (default 8080; 0 picks a free one)
  --host H              interface (default 0.0.0.0)
  --admin-token T       admin token (default: $SPLITLORA_ADMIN_TOKEN or a random one, printed)
  --backend B           auto | tensorflow | webgpu | wasm | cpu (default auto: TensorFlow on CUDA, WebGPU on a
                        hardware adapter, native TensorFlow, wasm, then cpu; webgpu by name also takes a
                        software adapter such as SwiftShader)
  --data-dir D          data folder with e2e/ and gpt2-tokenizer/ (default: $SPLITLORA_DATA_DIR or ../shared/data)
  --runs-dir D          where run folders are written (default ./runs)
  --models-dir D        Hugging Face GPT-2 folders offered as hf:<name> (default ./models)
  --run FILE            create a run from a JSON run config at start-up
  --start               start that run right away
  --resume DIR          continue the run in DIR from its last completed round
  --max-message-mb N    largest socket.io message (default 64)
  --download-model NAME download a GPT-2 model from the Hugging Face hub into the models folder, then exit
  --quiet               only warnings and errors
`;

async function main(): Promise<void> {
  const { values } = parseCli({
    port: { type: 'string' }, host: { type: 'string' }, 'admin-token': { type: 'string' }, backend: { type: 'string' },
    'data-dir': { type: 'string' }, 'runs-dir': { type: 'string' }, 'models-dir': { type: 'string' }, run: { type: 'string' },
    start: { type: 'boolean' }, resume: { type: 'string' }, 'max-message-mb': { type: 'string' }, 'download-model': { type: 'string' },
    quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
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
  const server = await createServer({
    port: numberFlag(values.port, 'port', 8080), host: values.host ?? '0.0.0.0', adminToken: values['admin-token'] ?? process.env['SPLITLORA_ADMIN_TOKEN'],
    backend, dataDir, runsDir: values['runs-dir'], modelsDir: values['models-dir'],
    maxMessageBytes: numberFlag(values['max-message-mb'], 'max-message-mb', 64) * 1024 * 1024, quiet: values.quiet,
    resumeDir: values.resume,
  });
  if (values.resume === undefined && values.run !== undefined) {
    const parsed = runConfigSchema.safeParse(JSON.parse(readFileSync(values.run, 'utf8')));
    if (!parsed.success) throw new Error(`${values.run}: ${describeIssues(parsed.error)}`);
    const run = await server.host.create(parsed.data);
    if (values.start) run.start();
  }
  process.stdout.write(`\nSplitLoRA server ready (tfjs ${server.backend} on ${server.device.name})\n  volunteers: ${server.url}/\n  dashboard:  ${server.url}/admin/?token=${server.adminToken}\n  admin token: ${server.adminToken}\n` +
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
