import { createEffect, createSignal, onCleanup } from 'solid-js';
import { registerSW } from 'virtual:pwa-register';
import type { EngineStatus, PageSettings } from '../../worker/contract';
import { api } from '../worker';
import { fromFileList, type PickedRun } from './pickedFiles';

export interface StorageInfo {
  usageBytes: number | null;
  quotaBytes: number | null;
  persisted: boolean | null;
}

export interface PlatformStore {
  /** A new version of the app is downloaded and waits. */
  updateReady: () => boolean;
  /** Why the update has not been applied yet, while it waits for uploads to finish. */
  updateWaiting: () => string | null;
  applyUpdate(): Promise<void>;
  storage: () => StorageInfo;
  /** Read the storage estimate again (after a run was stored or freed). */
  refreshStorage(): Promise<void>;
  /** Files handed over (share sheet, "open with", dropped on the page), waiting for the New run form. */
  incoming: () => PickedRun | null;
  /** Hand files to the New run form and show it. */
  handOver(run: PickedRun): void;
  takeIncoming(): PickedRun | null;
}

/**
 * What only the page can do: the service worker and updates, persistent storage (workers cannot ask),
 * files from other apps, and the screen wake lock while runs upload.
 */
export function createPlatformStore(engine: () => EngineStatus | null, settings: () => PageSettings | null): PlatformStore {
  const [incoming, setIncoming] = createSignal<PickedRun | null>(null);
  const handOver = (run: PickedRun) => {
    if (!run.files.length) return;
    setIncoming(run);
    location.hash = '#/new';
  };
  const update = createAppUpdate(engine);
  const storage = createStorageInfo();
  listenForHandedFiles(handOver);
  keepScreenOnWhileUploading(engine, settings);

  return {
    ...update,
    ...storage,
    incoming,
    handOver,
    takeIncoming() {
      const run = incoming();
      setIncoming(null);
      return run;
    },
  };
}

const UPDATE_CHECK_MS = 60 * 60 * 1000; // an hour: a tablet may keep the app open for days

/** The service worker: a new version is looked for hourly, and applied when the person says, between uploads. */
function createAppUpdate(engine: () => EngineStatus | null): Pick<PlatformStore, 'updateReady' | 'updateWaiting' | 'applyUpdate'> {
  const [updateReady, setUpdateReady] = createSignal(false);
  const [updateWaiting, setUpdateWaiting] = createSignal<string | null>(null);
  const updateSW =
    'serviceWorker' in navigator
      ? registerSW({
          onNeedRefresh: () => setUpdateReady(true),
          onRegisteredSW: (_url, registration) => {
            if (registration) setInterval(() => void registration.update().catch(() => undefined), UPDATE_CHECK_MS);
          },
        })
      : null;

  return {
    updateReady,
    updateWaiting,
    async applyUpdate() {
      const active = engine()?.activeJobs.length ?? 0;
      if (active) setUpdateWaiting(`The update waits for ${active} run${active > 1 ? 's' : ''} to finish uploading.`);
      // The worker starts no new upload and answers once none is in flight: a safe point.
      await api.prepareForUpdate();
      setUpdateWaiting(null);
      // Reload once the new service worker controls the page. workbox-window reloads only for updates it
      // found itself, not for one the browser's own update check found, so this does not rely on it.
      navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
      await updateSW?.(true);
    },
  };
}

/** The device's storage estimate, read now, every 30 s, and when asked. */
function createStorageInfo(): Pick<PlatformStore, 'storage' | 'refreshStorage'> {
  const [storage, setStorage] = createSignal<StorageInfo>({ usageBytes: null, quotaBytes: null, persisted: null });
  async function refreshStorage(): Promise<void> {
    if (!navigator.storage) return;
    // The browser may evict a non-persistent origin's OPFS under storage pressure: ask once, show the answer.
    const persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist().catch(() => false));
    const { usage, quota } = await navigator.storage.estimate();
    setStorage({ usageBytes: usage ?? null, quotaBytes: quota ?? null, persisted });
  }
  void refreshStorage();
  const storageTimer = setInterval(() => void refreshStorage(), 30_000);
  onCleanup(() => clearInterval(storageTimer));
  return { storage, refreshStorage };
}

/** Files shared to the app (share target) or opened with it (file handler) go to `handOver`. */
function listenForHandedFiles(handOver: (run: PickedRun) => void): void {
  void takeSharedFiles().then((files) => handOver(fromFileList(files)));
  const launchQueue = (window as unknown as { launchQueue?: { setConsumer(c: (p: { files: FileSystemFileHandle[] }) => void): void } })
    .launchQueue;
  launchQueue?.setConsumer(async (params) => {
    const files = await Promise.all(params.files.map((h) => h.getFile()));
    handOver(fromFileList(files));
  });
}

/** Keep the screen on while runs upload, if the setting says so. */
function keepScreenOnWhileUploading(engine: () => EngineStatus | null, settings: () => PageSettings | null): void {
  let wakeLock: { release(): Promise<void> } | null = null;
  createEffect(() => {
    const busy = (engine()?.activeJobs.length ?? 0) > 0 && (settings()?.keepScreenOn ?? true);
    const wl = (navigator as unknown as { wakeLock?: { request(t: 'screen'): Promise<{ release(): Promise<void> }> } }).wakeLock;
    if (busy && !wakeLock && wl) {
      void wl
        .request('screen')
        .then((lock) => (wakeLock = lock))
        .catch(() => undefined);
    } else if (!busy && wakeLock) {
      void wakeLock.release();
      wakeLock = null;
    }
  });
}

/** Files the service worker kept from a share-target POST (public/share-target-sw.js). */
async function takeSharedFiles(): Promise<File[]> {
  const params = new URLSearchParams(location.search);
  if (!params.has('shared') || !('caches' in window)) return [];
  const cache = await caches.open('exlab-shared-files');
  const files: File[] = [];
  for (const request of await cache.keys()) {
    const res = await cache.match(request);
    if (!res) continue;
    const name = decodeURIComponent(res.headers.get('X-File-Name') ?? 'shared-file');
    files.push(new File([await res.blob()], name, { type: res.headers.get('Content-Type') ?? '' }));
    await cache.delete(request);
  }
  history.replaceState(null, '', location.pathname);
  return files;
}
