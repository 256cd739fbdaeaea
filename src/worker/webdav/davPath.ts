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
 * The plain path of an href from a PROPFIND answer, relative to nothing: servers send a path or a full
 * URL, upper- or lower-case escapes, some leave `#` unencoded. Trailing slash dropped.
 */
export function hrefToSegments(href: string, base: string): string[] {
  let path = href.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) path = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const raw = path.split('/').filter(Boolean);
  const segments = raw.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const baseSegments = new URL(base).pathname
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
  for (let i = 0; i < baseSegments.length; i++) {
    if (segments[i] !== baseSegments[i]) return segments;
  }
  return segments.slice(baseSegments.length);
}
