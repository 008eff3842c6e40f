// The volunteer's usable files, kept in this browser's IndexedDB only (never sent), so a reloaded tab trains on
// them again without choosing them. Any storage failure means "nothing saved"; the page then asks for the files.
import { done } from '../worker/indexeddb-asset-cache.js';

const DB_NAME = 'splitlora-files';
const STORE = 'files';

export interface SavedFile {
  name: string;
  blob: Blob;
}

function open(): Promise<IDBDatabase> {
  const request = indexedDB.open(DB_NAME, 1);
  request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'name' });
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

export async function savedFiles(): Promise<SavedFile[]> {
  try {
    return (await withStore('readonly', (s) => s.getAll())) as SavedFile[];
  } catch {
    return [];
  }
}

export async function saveFile(name: string, blob: Blob): Promise<void> {
  await withStore('readwrite', (s) => s.put({ name, blob })).catch(() => undefined);
}

export async function forgetFile(name: string): Promise<void> {
  await withStore('readwrite', (s) => s.delete(name)).catch(() => undefined);
}

export async function forgetAllFiles(): Promise<void> {
  await withStore('readwrite', (s) => s.clear()).catch(() => undefined);
}
