// The equipment ids this tablet used last, newest first: a technician at one instrument types it once.
const KEY = 'exlab.recentEquipment';
const KEEP = 8;

export function recentEquipment(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberEquipment(id: string): void {
  localStorage.setItem(KEY, JSON.stringify([id, ...recentEquipment().filter((v) => v !== id)].slice(0, KEEP)));
}
