// Reads and writes the safetensors format (8-byte header length, JSON header, raw little-endian data).
import { decodeBfloat16, decodeFloat16, encodeBfloat16, encodeFloat16 } from '@splitlora/protocol';
import { fail } from '../errors.js';
import { countElements, type HostTensor, type NamedHostTensors } from '../tensors/named-tensors.js';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

const BYTES_PER_ELEMENT: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1, U16: 2, U32: 4, U64: 8,
};

export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  /** Byte range inside the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  entries: Record<string, SafetensorsEntry>;
  /** Decodes one tensor to float32 (F32, F16 or BF16). */
  read(name: string): HostTensor;
  names(): string[];
}

export function parseSafetensors(bytes: Uint8Array, fileName = 'safetensors file'): SafetensorsFile {
  if (bytes.byteLength < 8) fail('format', `${fileName}: too short to be safetensors (${bytes.byteLength} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) {
    fail('format', `${fileName}: header length ${headerLength} exceeds file size ${bytes.byteLength}`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (error) {
    fail('format', `${fileName}: header is not valid JSON (${(error as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const metadata = (header['__metadata__'] ?? {}) as Record<string, string>;
  const entries: Record<string, SafetensorsEntry> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const offsets = info.data_offsets;
    if (typeof info.dtype !== 'string' || !Array.isArray(info.shape) || !Array.isArray(offsets) || offsets.length !== 2) {
      fail('format', `${fileName}: tensor ${name} has a malformed header entry`);
    }
    const [begin, end] = offsets as [number, number];
    const width = BYTES_PER_ELEMENT[info.dtype];
    if (width === undefined) fail('format', `${fileName}: tensor ${name} has unknown dtype ${info.dtype}`);
    const shape = info.shape as number[];
    if (!(begin >= 0 && end >= begin && end <= dataLength) || end - begin !== countElements(shape) * width) {
      fail('format', `${fileName}: tensor ${name} (${info.dtype} [${shape.join(', ')}]) has inconsistent offsets [${begin}, ${end})`);
    }
    entries[name] = { dtype: info.dtype, shape, begin, end };
  }
  return {
    metadata,
    entries,
    names: () => Object.keys(entries),
    read(name: string): HostTensor {
      const entry = entries[name];
      if (entry === undefined) fail('checkpoint', `${fileName}: no tensor named ${name}`);
      // Copy out: the slice may be unaligned for a typed-array view.
      const raw = bytes.slice(dataStart + entry.begin, dataStart + entry.end);
      switch (entry.dtype) {
        case 'F32': return { shape: entry.shape, data: new Float32Array(raw.buffer) };
        case 'F16': return { shape: entry.shape, data: decodeFloat16(new Uint16Array(raw.buffer)) };
        case 'BF16': return { shape: entry.shape, data: decodeBfloat16(new Uint16Array(raw.buffer)) };
        default: return fail('format', `${fileName}: tensor ${name} has dtype ${entry.dtype}; only F32, F16 and BF16 can be loaded`);
      }
    },
  };
}

/** Reads every tensor of a file (all must be F32, F16 or BF16). */
export function readSafetensors(bytes: Uint8Array, fileName?: string): NamedHostTensors {
  const file = parseSafetensors(bytes, fileName);
  const out: NamedHostTensors = {};
  for (const name of file.names()) out[name] = file.read(name);
  return out;
}

/** Writes tensors in name order, stored as `dtype`, with `format: pt` metadata (what transformers expects). */
export function writeSafetensors(
  tensors: NamedHostTensors, dtype: SafetensorsDtype = 'F32', metadata: Record<string, string> = { format: 'pt' },
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const width = dtype === 'F32' ? 4 : 2;
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    if (t.data.length !== countElements(t.shape)) {
      fail('format', `tensor ${name}: ${t.data.length} values do not fill shape [${t.shape.join(', ')}]`);
    }
    const size = t.data.length * width;
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  if (padded !== headerBytes.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(headerBytes);
    headerBytes = withSpaces;
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let cursor = 8 + headerBytes.length;
  for (const name of names) {
    const data = tensors[name]!.data;
    const encoded = dtype === 'F32' ? data : dtype === 'F16' ? encodeFloat16(data) : encodeBfloat16(data);
    out.set(new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength), cursor);
    cursor += encoded.byteLength;
  }
  return out;
}
