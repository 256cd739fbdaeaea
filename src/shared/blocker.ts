import { type Settings, inSyncWindow } from './settings';

/** What keeps the sync engine from starting work. */
export type Blocker = 'update' | 'paused' | 'offline' | 'window' | 'metered' | 'nas';

/** What the engine was told when it asks whether it may start work. */
export interface BlockerInputs {
  /** An app update waits for a safe point. */
  held: boolean;
  settings: Settings;
  online: boolean;
  metered: boolean;
  /** The device's local hour, for the sync window. */
  localHour: number;
  /** null until the NAS has been tried. */
  nasReachable: boolean | null;
}

/** The first reason, in this order, that keeps the engine from starting work; null when nothing does. */
export function syncBlocker(i: BlockerInputs): Blocker | null {
  if (i.held) return 'update';
  if (i.settings.paused) return 'paused';
  if (!i.online) return 'offline';
  if (!inSyncWindow(i.settings, i.localHour)) return 'window';
  if (i.settings.pauseOnMetered && i.metered) return 'metered';
  if (i.nasReachable === false) return 'nas';
  return null;
}

const BLOCKER_WORDS: Readonly<Record<Exclude<Blocker, 'window'>, string>> = {
  update: 'Waiting to update the app',
  paused: 'Syncing is paused',
  offline: 'The device is offline',
  metered: 'Paused: metered connection',
  nas: 'The NAS does not answer',
};

const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** Why nothing moves, in the words the app shows (the sync window with its hours); null when nothing blocks. */
export function waitingWords(blocker: Blocker | null, settings: Pick<Settings, 'syncWindow'>): string | null {
  if (blocker !== 'window') return blocker ? BLOCKER_WORDS[blocker] : null;
  const w = settings.syncWindow;
  return w ? `Waiting for the sync window ${hour(w.startHour)}–${hour(w.endHour)}` : 'Waiting for the sync window';
}
