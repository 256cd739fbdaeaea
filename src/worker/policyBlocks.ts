// Requests the worker's Content-Security-Policy refused, from its securitypolicyviolation events. The
// browser fails such a fetch as it fails a CORS refusal or a dead server (a bare TypeError); only this
// event tells the three apart, so the connection test can name the directive to change.

export interface PolicyBlocks {
  record(blockedUri: string, directive: string): void;
  /** The directive that lately blocked a request to `url`'s origin, or null. */
  blockedFor(url: string): Promise<string | null>;
}

/** How long a refusal is taken to explain a failed request: the test's requests follow at once. */
const RECENT_MS = 60_000;

export function createPolicyBlocks(now = () => Date.now()): PolicyBlocks {
  const seen = new Map<string, { directive: string; atMs: number }>();
  return {
    record(blockedUri, directive) {
      const origin = originOf(blockedUri);
      if (origin) seen.set(origin, { directive, atMs: now() });
    },
    async blockedFor(url) {
      // The event is queued as a task of its own: let it run before looking.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const hit = seen.get(originOf(url) ?? '');
      return hit && now() - hit.atMs <= RECENT_MS ? hit.directive : null;
    },
  };
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
