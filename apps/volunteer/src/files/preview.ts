// The first lines of a file, shortened for its card, so the volunteer can see what was read.

export interface PreviewOptions {
  lines?: number;
  maxLineChars?: number;
}

/** Up to `lines` non-empty lines, each cut to `maxLineChars` with an ellipsis. */
export function previewLines(text: string, options: PreviewOptions = {}): string[] {
  const lines = options.lines ?? 4;
  const maxChars = options.maxLineChars ?? 140;
  const out: string[] = [];
  let start = 0;
  while (out.length < lines && start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, Math.min(end, start + maxChars + 1)).replace(/\r$/, '').replace(/\t/g, '  ');
    if (line.trim().length > 0) out.push(line.length > maxChars ? `${line.slice(0, maxChars).trimEnd()}…` : line);
    start = end + 1;
  }
  return out;
}
