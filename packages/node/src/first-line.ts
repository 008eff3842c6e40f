// Why an import or a start failed, in a few whole words for a log line: "not installed", or the error's first
// line cut at a space or a path separator (never mid-word).

export function firstLine(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'not installed';
  const line = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  if (line.length <= 120) return line;
  // At the last space or path separator: a word or a path component is never split.
  const cut = Math.max(line.lastIndexOf(' ', 120), line.lastIndexOf('/', 120));
  return `${line.slice(0, cut > 40 ? cut : 120)}…`;
}
