// Finds the first byte that breaks UTF-8 (WHATWG rules: no overlongs, no surrogates, nothing above U+10FFFF).

/** The offset of the first invalid or truncated UTF-8 sequence in `bytes`, or -1 when all of it is valid. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let continuation: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) continuation = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      continuation = 2;
      if (lead === 0xe0) low = 0xa0; // overlong
      if (lead === 0xed) high = 0x9f; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      continuation = 3;
      if (lead === 0xf0) low = 0x90; // overlong
      if (lead === 0xf4) high = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= continuation; k++) {
      const byte = bytes[i + k];
      if (byte === undefined) return i;
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (byte < min || byte > max) return i;
    }
    i += continuation + 1;
  }
  return -1;
}
