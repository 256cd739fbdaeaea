import { newSealingKey } from './passwordVault';

// The sealing key lives in IndexedDB, which stores a CryptoKey as the browser's own object: a key made
// non-extractable stays so, and its bytes never reach the page, the worker's code or the SQLite file.

const DB_NAME = 'exlab-sync-secrets';
const STORE = 'keys';
const KEY_ID = 'settings-password';

/** This origin's sealing key, made on first use. Two workers racing here end up with the same key. */
export async function sealingKeyFromIndexedDb(): Promise<CryptoKey> {
  const db = await openDb();
  try {
    const found = await request<CryptoKey | undefined>(db.transaction(STORE).objectStore(STORE).get(KEY_ID));
    if (found) return found;
    const made = await newSealingKey();
    // add() refuses if another worker stored one meanwhile: then that one is the key.
    const added = await request(db.transaction(STORE, 'readwrite').objectStore(STORE).add(made, KEY_ID)).then(
      () => true,
      () => false,
    );
    if (added) return made;
    const winner = await request<CryptoKey | undefined>(db.transaction(STORE).objectStore(STORE).get(KEY_ID));
    if (!winner) throw new Error('the password key could not be stored in IndexedDB');
    return winner;
  } finally {
    db.close();
  }
}

function openDb(): Promise<IDBDatabase> {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
