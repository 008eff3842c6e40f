// The volunteer's usable files, kept in this browser's IndexedDB only (never sent) under the tab's id, so a reloaded
// tab trains on them again without choosing them. Entries of tabs closed long ago are dropped. Any storage failure
// means "nothing saved"; the page then asks for the files.
import { done } from '../worker/indexeddb-asset-cache.js';

const DB_NAME = 'splitlora-files';
const STORE = 'files';

export interface SavedFile {
  key: string;
  tab: string;
  name: string;
  blob: Blob;
  savedAt: number;
}

/** Files of a tab not reloaded for this long belong to a tab that was closed: they are deleted. */
const KEEP_MS = 2 * 24 * 3600 * 1000;

function open(): Promise<IDBDatabase> {
  const request = indexedDB.open(DB_NAME, 2);
  request.onupgradeneeded = () => {
    // Version 1 kept files by name for the whole browser; version 2 by tab.
    if (request.result.objectStoreNames.contains(STORE)) request.result.deleteObjectStore(STORE);
    request.result.createObjectStore(STORE, { keyPath: 'key' });
  };
  return done(request);
}

async function withStore<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await done(act(db.transaction(STORE, mode).objectStore(STORE)));
  } finally {
    db.close();
  }
}

/** The files `tab` kept; drops other tabs' files older than KEEP_MS on the way. */
export async function savedFiles(tab: string, now = Date.now()): Promise<SavedFile[]> {
  let all: SavedFile[];
  try {
    all = (await withStore('readonly', (s) => s.getAll())) as SavedFile[];
  } catch {
    return [];
  }
  for (const stale of all.filter((f) => f.tab !== tab && now - f.savedAt > KEEP_MS)) await withStore('readwrite', (s) => s.delete(stale.key)).catch(() => undefined);
  return all.filter((f) => f.tab === tab);
}

export async function saveFile(tab: string, name: string, blob: Blob): Promise<void> {
  const file: SavedFile = { key: `${tab}/${name}`, tab, name, blob, savedAt: Date.now() };
  await withStore('readwrite', (s) => s.put(file)).catch(() => undefined);
}

export async function forgetFile(tab: string, name: string): Promise<void> {
  await withStore('readwrite', (s) => s.delete(`${tab}/${name}`)).catch(() => undefined);
}

export async function forgetAllFiles(tab: string): Promise<void> {
  for (const file of await savedFiles(tab)) await forgetFile(tab, file.name);
}
