// Reads the entries of a stored (uncompressed) zip, as the dashboard's adapter downloads are, for checking them.

export function unzip(zip: Uint8Array): Record<string, Uint8Array> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out: Record<string, Uint8Array> = {};
  let offset = 0;
  while (offset + 30 <= zip.byteLength && view.getUint32(offset, true) === 0x04034b50) {
    if (view.getUint16(offset + 8, true) !== 0) throw new Error('unzip: only stored entries are supported');
    const size = view.getUint32(offset + 18, true);
    const nameLength = view.getUint16(offset + 26, true);
    const extraLength = view.getUint16(offset + 28, true);
    const name = new TextDecoder().decode(zip.subarray(offset + 30, offset + 30 + nameLength));
    const start = offset + 30 + nameLength + extraLength;
    out[name] = zip.slice(start, start + size);
    offset = start + size;
  }
  return out;
}
