// What files the page accepts: the extensions the core can read and the size limit per file.

/** Files above this size are refused before they are read (50 MB: a large text, far more than a round uses). */
export const MAX_FILE_BYTES = 50_000_000;

/** The extensions the core's readers understand (plain text, Markdown, JSONL, E2E-style CSV). */
export const ACCEPTED_EXTENSIONS = ['.txt', '.md', '.jsonl', '.csv'] as const;

/** The file input's `accept` attribute. */
export const ACCEPT_ATTRIBUTE = ACCEPTED_EXTENSIONS.join(',');
