// Test data for the e2e specs, read from the shared data folder ($SPLITLORA_DATA_DIR, else shared/data beside the
// repository) and written to temporary files: shards of the E2E dev set and files the page must refuse.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { findDataDir } from '@splitlora/node';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function dataDir(): string {
  const dir = findDataDir();
  if (dir === null) throw new Error('e2e data: no data folder with e2e/devset.csv; set SPLITLORA_DATA_DIR to the shared data folder');
  return dir;
}

const scratch = mkdtempSync(join(tmpdir(), 'splitlora-e2e-files-'));

/** The header and `rows` records of the E2E dev set from record `offset` on (one record per line there), as a temporary CSV. */
export function writeDevsetShard(rows: number, fileName = `devset-shard-${rows}.csv`, offset = 0): string {
  const lines = readFileSync(join(dataDir(), 'e2e', 'devset.csv'), 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'mr,ref' || lines.length < offset + rows + 1) {
    throw new Error(`e2e data: expected devset.csv to start with "mr,ref" and hold ≥ ${rows} rows, found "${lines[0]}" and ${lines.length - 1} rows`);
  }
  const path = join(scratch, fileName);
  writeFileSync(path, `${[lines[0], ...lines.slice(1 + offset, 1 + offset + rows)].join('\n')}\n`);
  return path;
}

/** A temporary file with the given bytes or text (for files the page must refuse). */
export function writeScratchFile(fileName: string, content: string | Uint8Array): string {
  const path = join(scratch, fileName);
  writeFileSync(path, content);
  return path;
}
