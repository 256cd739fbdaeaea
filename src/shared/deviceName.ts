// The device's name: what a lab calls this tablet in the header, in each run's claim on the NAS and in
// the Lab view. Its rules and its default live here, so the page and the worker apply the same ones.

export const MAX_DEVICE_NAME_CHARS = 64;
// C0/C1 controls, bidirectional overrides and zero-width characters make a name display as something it is not.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

/** Why `name` cannot be this device's name (in words, with what to do), or null when it can. */
export function deviceNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter a name for this device, for example "tablet-hplc-bench".';
  if (UNSAFE_CHARS.test(trimmed))
    return 'The device name contains control or invisible characters; type it again with letters, digits and spaces.';
  if ([...trimmed].length > MAX_DEVICE_NAME_CHARS) {
    return `The device name is ${[...trimmed].length} characters long; use at most ${MAX_DEVICE_NAME_CHARS}.`;
  }
  return null;
}

const LETTERS = 'abcdefghijkmnopqrstuvwxyz';

/** A readable first name: "tablet-" and four letters from `random` (four numbers, any range, e.g. bytes). */
export function defaultDeviceName(random: ArrayLike<number>): string {
  let out = 'tablet-';
  for (let i = 0; i < 4; i++) out += LETTERS[(random[i] ?? 0) % LETTERS.length];
  return out;
}
