// `pnpm cert [-- --out DIR] [--name host-or-ip …] [--days N]`: a self-signed certificate for trying HTTPS on a LAN,
// and how to start the server with it.
import { parseArgs } from 'node:util';
import { defaultNames, makeSelfSignedCert } from './self-signed.js';

const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
const { values } = parseArgs({ args, options: { out: { type: 'string' }, name: { type: 'string', multiple: true }, days: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  process.stdout.write('pnpm cert [-- --out certs] [--name lora.lan --name 192.168.1.20 …] [--days 30]\n');
} else {
  try {
    const days = Number(values.days ?? 30);
    if (!Number.isInteger(days) || days < 1) throw new Error(`--days must be a whole number of days ≥ 1, found "${values.days}"`);
    const files = makeSelfSignedCert(values.out ?? 'certs', values.name ?? defaultNames(), days);
    process.stdout.write(`Self-signed certificate for ${files.names.join(', ')} (valid ${days} days):
  ${files.cert}
  ${files.key}

Start the server with it:
  pnpm start -- --tls-cert ${files.cert} --tls-key ${files.key}

Browsers do not trust a self-signed certificate: each volunteer first sees a warning and must choose
"Advanced → Proceed" (or import ${files.cert} as trusted). That is fine for a trial among people who know
the machine; for real volunteers use a certificate from a CA (e.g. Let's Encrypt) behind a reverse proxy (README).
`);
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
