// Paths on the NAS are arrays of plain segments below the configured base URL; only here do they become
// URLs. Every segment is percent-encoded whole, so `#`, `%`, `+`, `?` and spaces stay inside it.

/** A path below the base collection, one plain (unencoded) string per segment. */
export type DavPath = readonly string[];

/** The URL of a resource; collections get the trailing slash every server agrees on. */
export function davUrl(base: string, path: DavPath, collection = false): string {
  const root = base.endsWith('/') ? base : `${base}/`;
  const encoded = path.map((s) => encodeSegment(s)).join('/');
  return root + encoded + (collection && path.length ? '/' : '');
}

export function encodeSegment(segment: string): string {
  if (!segment || segment === '.' || segment === '..' || segment.includes('/')) {
    throw new RangeError(`not a path segment: ${JSON.stringify(segment)}`);
  }
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The plain path of an href from a PROPFIND answer, below the base URL: servers send a path or a full
 * URL, upper- or lower-case escapes, some leave `#` unencoded. Trailing slash dropped. Null for an href
 * outside the base collection: a listing never speaks for anything but what was asked.
 */
export function hrefToSegments(href: string, base: string): string[] | null {
  let path = href.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) path = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  // NFC: a NAS on HFS+ or a formD ZFS share reports names decomposed; the app names them composed.
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => decodeLenient(s).normalize('NFC'));
  const baseSegments = new URL(base).pathname
    .split('/')
    .filter(Boolean)
    .map((s) => decodeLenient(s).normalize('NFC'));
  if (segments.some((s) => s === '.' || s === '..' || s.includes('/'))) return null;
  for (let i = 0; i < baseSegments.length; i++) {
    if (segments[i] !== baseSegments[i]) return null;
  }
  return segments.slice(baseSegments.length);
}

/** True when `path` is `folder` itself or lies below it. */
export function isWithin(path: DavPath, folder: DavPath): boolean {
  return path.length >= folder.length && folder.every((s, i) => path[i] === s);
}

function decodeLenient(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
