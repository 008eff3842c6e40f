// A self-signed certificate for a LAN trial, made with the system's openssl: an EC P-256 key and a certificate whose
// subject alternative names cover localhost, this machine's name and its IPv4 addresses (or the names given).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';

export interface CertFiles {
  cert: string;
  key: string;
  names: string[];
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** localhost, 127.0.0.1, the host name and every non-internal IPv4 address of this machine. */
export function defaultNames(): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => list ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address);
  return [...new Set(['localhost', '127.0.0.1', hostname(), ...addresses])];
}

export function subjectAltName(names: readonly string[]): string {
  return names.map((n) => (IPV4.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
}

/** Writes cert.pem and key.pem (mode 0600) into `dir`; throws with the openssl command to run when it is missing. */
export function makeSelfSignedCert(dir: string, names: readonly string[], days = 30): CertFiles {
  mkdirSync(dir, { recursive: true });
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', String(days), '-subj', '/CN=SplitLoRA LAN trial', '-addext', `subjectAltName=${subjectAltName(names)}`,
    '-addext', 'extendedKeyUsage=serverAuth'];
  const result = spawnSync('openssl', args, { encoding: 'utf8', env: { ...process.env, OPENSSL_CONF: '/dev/null' } });
  if (result.error !== undefined) throw new Error(`openssl is needed to make a certificate and was not found (${result.error.message}); install it (apt-get install openssl) or run: openssl ${args.join(' ')}`);
  if (result.status !== 0) throw new Error(`openssl failed (${result.status}): ${result.stderr.trim()}`);
  return { cert, key, names: [...names] };
}
