// The one rule for the names a person gives a run, used wherever a run is taken: the New run form (as the
// technician types), the worker's intake and a run queued by path (test hooks). A name is refused with
// what to do, never cut short or changed behind the person's back.

/** An equipment id is a short code ("hplc-02"): longer text is a paste gone wrong, not an id. */
export const MAX_EQUIPMENT_ID_CHARS = 64;
/** A run name may be a long folder name; its NAS folder is shortened with a tag if the NAS needs it. */
export const MAX_RUN_NAME_CHARS = 255;

/** Characters that are not seen: C0/C1 controls, format characters (zero-width, BOM, bidi), line separators. */
export const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The equipment id as it is stored: without the spaces around it. */
export const readEquipmentId = (raw: unknown): string => (typeof raw === 'string' ? raw.trim() : '');

/** Why the equipment id cannot be taken, in words to act on; null when it can. */
export function equipmentIdProblem(raw: unknown): string | null {
  const id = readEquipmentId(raw);
  if (!id.replace(INVISIBLE, '').trim()) return 'The equipment id is empty; type it, for example "hplc-02".';
  if ([...id].length > MAX_EQUIPMENT_ID_CHARS) {
    return `The equipment id is ${[...id].length} characters long; use at most ${MAX_EQUIPMENT_ID_CHARS}.`;
  }
  const hidden = id.match(INVISIBLE);
  if (hidden) {
    const which = [...new Set(hidden)].map(codePoint).join(', ');
    return `The equipment id contains control or invisible characters (${which}); type it again.`;
  }
  return null;
}

/** Why the run name cannot be taken; null when it can. Invisible characters are dropped from its NAS folder. */
export function runNameProblem(raw: unknown): string | null {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (!name.replace(INVISIBLE, '').trim()) return 'The run name is empty; type one, for example "plate 7".';
  if ([...name].length > MAX_RUN_NAME_CHARS) {
    return `The run name is ${[...name].length} characters long; use at most ${MAX_RUN_NAME_CHARS}.`;
  }
  return null;
}
