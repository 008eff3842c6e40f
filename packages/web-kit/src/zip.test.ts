// The zip writer: archives that Python's zipfile (the reference reader) opens with the same bytes and CRCs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32, createZip } from './zip.js';

describe('createZip', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes archives that zipfile reads back exactly', () => {
    const json = new TextEncoder().encode('{"peft_type": "LORA", "note": "é"}');
    const binary = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256);
    const zip = createZip([{ name: 'round-2-adapter/adapter_config.json', data: json }, { name: 'round-2-adapter/adapter_model.safetensors', data: binary }]);
    const path = join(mkdtempSync(join(tmpdir(), 'zip-')), 'a.zip');
    writeFileSync(path, zip);
    const script = 'import zipfile,sys,hashlib,json;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;'
      + 'print(json.dumps({i.filename:[i.file_size,hashlib.sha256(z.read(i)).hexdigest()[:16]] for i in z.infolist()}))';
    const listing = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as Record<string, [number, string]>;
    expect(Object.keys(listing)).toEqual(['round-2-adapter/adapter_config.json', 'round-2-adapter/adapter_model.safetensors']);
    expect(listing['round-2-adapter/adapter_model.safetensors']![0]).toBe(70_000);
    expect(listing['round-2-adapter/adapter_config.json']![0]).toBe(json.byteLength);
  });
});
