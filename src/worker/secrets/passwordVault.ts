// The NAS password at rest: sealed with AES-GCM under a key that cannot be exported (WebCrypto,
// extractable: false), so the database file alone, copied off the device, does not give the password.
// It does not protect against code running in the app's origin: that code can ask the key to decrypt.

/** Seals and opens the password; the key is fetched (or made) once, on first use. */
export interface PasswordVault {
  seal(password: string): Promise<string>;
  /** The password, or null when the sealed text cannot be opened (another key, damaged text). */
  open(sealed: string): Promise<string | null>;
}

const FORMAT = 'aes-gcm-v1';
const IV_BYTES = 12; // the size AES-GCM is specified for (NIST SP 800-38D)

export function createPasswordVault(key: () => Promise<CryptoKey>): PasswordVault {
  let cached: Promise<CryptoKey> | null = null;
  const getKey = () => (cached ??= key());
  return {
    async seal(password) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await getKey(), new TextEncoder().encode(password));
      return `${FORMAT}:${toBase64(iv)}:${toBase64(new Uint8Array(sealed))}`;
    },
    async open(sealed) {
      const [format, iv, data] = sealed.split(':');
      if (format !== FORMAT || !iv || !data) return null;
      try {
        const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv) }, await getKey(), fromBase64(data));
        return new TextDecoder().decode(plain);
      } catch {
        return null;
      }
    },
  };
}

/** A new AES-GCM key that can encrypt and decrypt but never be read out. */
export function newSealingKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']) as Promise<CryptoKey>;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
