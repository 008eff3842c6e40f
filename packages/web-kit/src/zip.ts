// Writes a .zip archive of stored (uncompressed) files — enough to hand a PEFT adapter folder to a user as one
// download (browsers may block several downloads from one click). Format: PKWARE APPNOTE, no compression, no zip64.

export interface ZipEntry {
  /** Path inside the archive, with "/" separators (e.g. "my-adapter/adapter_config.json"). */
  name: string;
  data: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** DOS date and time of a JS Date (the zip format's resolution is 2 s). */
function dosDateTime(date: Date): { time: number; date: number } {
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2);
  const day = ((Math.max(1980, date.getFullYear()) - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  return { time, date: day };
}

/**
 * The fields the local header and the central directory header share, in the same order (the central one starts
 * two bytes later): flags (UTF-8 names), method (stored), time, date, CRC-32, both sizes, the name's length.
 */
function writeEntryFields(view: DataView, at: number, e: { crc: number; size: number; nameLength: number; stamp: { time: number; date: number } }): void {
  view.setUint16(at, 0x0800, true);
  view.setUint16(at + 2, 0, true);
  view.setUint16(at + 4, e.stamp.time, true);
  view.setUint16(at + 6, e.stamp.date, true);
  view.setUint32(at + 8, e.crc, true);
  view.setUint32(at + 12, e.size, true);
  view.setUint32(at + 16, e.size, true);
  view.setUint16(at + 20, e.nameLength, true);
}

export function createZip(entries: readonly ZipEntry[], modified = new Date()): Uint8Array {
  const encoder = new TextEncoder();
  const stamp = dosDateTime(modified);
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const crc = crc32(entry.data);
    const size = entry.data.byteLength;
    if (size >= 0xffffffff || offset >= 0xffffffff) throw new Error(`zip: ${entry.name} is too large for a zip without zip64`);
    const entryFields = { crc, size, nameLength: name.length, stamp };
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true); // local file header
    lv.setUint16(4, 20, true); // version needed
    writeEntryFields(lv, 6, entryFields);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true); // central directory header
    cv.setUint16(4, 20, true); // version made by
    cv.setUint16(6, 20, true); // version needed
    writeEntryFields(cv, 8, entryFields);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, entry.data);
    centrals.push(central);
    offset += local.byteLength + size;
  }
  const centralSize = centrals.reduce((s, c) => s + c.byteLength, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true); // end of central directory
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + centralSize + end.byteLength);
  let cursor = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, cursor);
    cursor += part.byteLength;
  }
  return out;
}
