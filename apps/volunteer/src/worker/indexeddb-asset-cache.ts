// The AssetCache of the browser: downloaded assets (client weights, tokenizer) kept in IndexedDB under their sha256,
// so a reload does not download them again. Keeps the few most recent; any storage failure is a cache miss.
import type { AssetCache } from '@splitlora/client';

const DB_NAME = 'splitlora-assets';
const STORE = 'assets';
const BY_SAVED_AT = 'savedAt';

interface StoredAsset {
  hash: string;
  bytes: Uint8Array;
  savedAt: number;
}

export function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

function openDatabase(): Promise<IDBDatabase> {
  const request = indexedDB.open(DB_NAME, 1);
  request.onupgradeneeded = () => {
    const store = request.result.createObjectStore(STORE, { keyPath: 'hash' });
    store.createIndex(BY_SAVED_AT, 'savedAt');
  };
  return done(request);
}

/** Deletes all but the `keep` most recently saved assets (old runs' weights). */
async function prune(db: IDBDatabase, keep: number): Promise<void> {
  const tx = db.transaction(STORE, 'readwrite');
  const cursorRequest = tx.objectStore(STORE).index(BY_SAVED_AT).openCursor(null, 'prev');
  let seen = 0;
  cursorRequest.onsuccess = () => {
    const cursor = cursorRequest.result;
    if (cursor === null) return;
    if (++seen > keep) cursor.delete();
    cursor.continue();
  };
  await committed(tx);
}

export function indexedDbAssetCache(options: { keep?: number; onProblem?: (message: string) => void } = {}): AssetCache {
  let database: Promise<IDBDatabase | null> | null = null;
  const warn = (what: string, error: unknown) => options.onProblem?.(`asset cache: ${what} failed (${error instanceof Error ? error.message : String(error)})`);
  const open = () => {
    database ??= typeof indexedDB === 'undefined' ? Promise.resolve(null) : openDatabase().catch((error: unknown) => {
      warn('opening IndexedDB', error);
      return null;
    });
    return database;
  };
  return {
    async get(hash) {
      const db = await open();
      if (db === null) return null;
      try {
        const found = await done(db.transaction(STORE, 'readonly').objectStore(STORE).get(hash)) as StoredAsset | undefined;
        return found?.bytes instanceof Uint8Array ? found.bytes : null;
      } catch (error) {
        warn('reading', error);
        return null;
      }
    },
    async put(hash, bytes) {
      const db = await open();
      if (db === null) return;
      try {
        const tx = db.transaction(STORE, 'readwrite');
        tx.objectStore(STORE).put({ hash, bytes, savedAt: Date.now() } satisfies StoredAsset);
        await committed(tx);
        await prune(db, options.keep ?? 4);
      } catch (error) {
        warn('saving', error);
      }
    },
  };
}
