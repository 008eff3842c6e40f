// Writes one file per browser tab from a data file: CSV rows (IID, or grouped by an E2E attribute) or text lines.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { e2eAttribute, parseCsv, shardIid } from '@splitlora/core';
import type { ShardSpec } from './fleet-data.js';

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Paths of `spec.clients` shard files, in a fresh temporary folder. */
export function writeShardFiles(spec: ShardSpec): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'splitlora-fleet-shards-'));
  const text = readFileSync(spec.dataPath, 'utf8');
  const ext = extname(spec.dataPath).toLowerCase();
  const stem = basename(spec.dataPath, ext);
  let shards: string[];
  if (ext === '.csv') {
    const table = parseCsv(text, basename(spec.dataPath));
    let groups: string[][][];
    if (spec.mode.kind === 'iid') groups = shardIid(table.rows, spec.clients, spec.seed);
    else {
      const attribute = spec.mode.attribute;
      const byValue = new Map<string, string[][]>();
      for (const row of table.rows) {
        const key = e2eAttribute(row[0]!, attribute) ?? '(none)';
        byValue.set(key, [...(byValue.get(key) ?? []), row]);
      }
      groups = Array.from({ length: spec.clients }, () => []);
      [...byValue.values()].sort((a, b) => b.length - a.length).forEach((group) => {
        const smallest = groups.reduce((best, g, i) => (g.length < groups[best]!.length ? i : best), 0);
        groups[smallest]!.push(...group);
      });
    }
    shards = groups.map((rows) => [table.header.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n');
  } else {
    const lines = text.split('\n');
    const per = Math.ceil(lines.length / spec.clients);
    shards = Array.from({ length: spec.clients }, (_, i) => lines.slice(i * per, (i + 1) * per).join('\n'));
  }
  return shards.map((content, i) => {
    const path = join(dir, `${stem}-shard-${i + 1}-of-${spec.clients}${ext || '.txt'}`);
    writeFileSync(path, content);
    return path;
  });
}
