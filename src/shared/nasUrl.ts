// The NAS URL: what may be used, the one form it is stored and compared in, and whether what crosses the
// network to it is encrypted. Pure: the app's own origin is passed in.
import { LAB_FOLDER } from './nasNames';

/**
 * The rule for http:// (nothing encrypted: the password and the runs cross the network readable):
 *   - https:// is always allowed;
 *   - http:// to this device (localhost, 127.x, ::1): nothing leaves the device;
 *   - http:// to the local network (10.x, 172.16-31.x, 192.168.x, 169.254.x, fc00::/7, fe80::/10, a name
 *     without dots, or one ending in .local, .lan, .internal, .intranet, .home.arpa): allowed, with a
 *     visible "not encrypted" warning, and only while the app itself is not served over https (the
 *     browser blocks http from an https page, mixed content);
 *   - any other http:// host is refused.
 */
export const HTTP_RULE =
  'http:// (not encrypted) is allowed only for a NAS on this device or the local network: localhost, 10.x.x.x, ' +
  '172.16-31.x.x, 192.168.x.x, a name without dots, or one ending in .local, .lan, .internal, .home.arpa. ' +
  'For any other address use https://.';

const LOCAL_SUFFIXES = ['.local', '.lan', '.internal', '.intranet', '.home.arpa'];

/** Why the typed NAS URL cannot be used, in words to act on; null when it can. */
export function nasUrlProblem(typed: string, appOrigin?: string): string | null {
  let url: URL;
  try {
    url = new URL(typed.trim());
  } catch {
    return 'The NAS URL is not a URL; enter it as https://nas.example.org/dav/runs/';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return schemeProblem(url);
  if (url.username || url.password) return 'The NAS URL must not hold a user or password; put them in their own fields.';
  if (url.search || url.hash) return 'The NAS URL must not have a ? query or # fragment.';
  // URL() resolves "..", so look at the text as typed too: a URL that needs resolving is a mistake.
  const typedPath = typed.trim().replace(/^[a-z]+:\/\/[^/]*/i, '');
  if (/(^|\/)\.\.?(\/|$)/.test(typedPath) || /(^|\/)(%2e|\.){1,2}(\/|$)/i.test(typedPath) || /%2e%2e/i.test(typedPath)) {
    return 'The NAS URL must not contain "." or ".." folders.';
  }
  if (url.pathname.split('/').some(isLabFolder)) {
    return `The NAS URL must not point into the app's own "${LAB_FOLDER}" folder, where each device keeps its state file; enter the folder the runs go to, for example https://nas.example.org/dav/runs/`;
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    if (!isLocalNetwork(url.hostname)) return `The NAS URL ${url.host} is not on the local network. ${HTTP_RULE}`;
    if (appOrigin?.startsWith('https:')) {
      return "This app is served over https://, so the browser blocks a NAS on http:// (mixed content). Use the NAS's https:// address.";
    }
  }
  return null;
}

/**
 * A path segment naming the app's own folder, as a NAS would take it: decoded, in any case, with the
 * trailing dots and spaces a Windows-backed share drops (as nasPath.ts safeSegment compares it). Runs
 * below it could be named like a device's state file, which that device's MOVE replaces.
 */
function isLabFolder(segment: string): boolean {
  let name = segment;
  try {
    name = decodeURIComponent(segment);
  } catch {
    // Not valid percent-encoding: compared as it is.
  }
  return name.replace(/[. ]+$/, '').toLowerCase() === LAB_FOLDER;
}

/**
 * A URL of another kind: an address with a host (ftp://, file://, webdav://) is a NAS reached another way,
 * so the same place over https:// is suggested; one without (javascript:, mailto:) is no address at all.
 */
function schemeProblem(url: URL): string {
  const example = url.host ? `https://${url.host}${url.pathname}` : 'https://nas.example.org/dav/runs/';
  if (url.host || url.protocol === 'file:') {
    return `The NAS URL uses ${url.protocol}, which is not supported: the app reaches the NAS over WebDAV with https:// (or http:// on the local network). Enter for example ${example}`;
  }
  return `The NAS URL is not a web address (it starts with "${url.protocol}"). Enter the WebDAV folder's address, for example ${example}`;
}

/**
 * The one form a NAS URL is stored and compared in: what the browser itself makes of it (host in lower
 * case, no default port, the path percent-encoded), ending in "/". Call only on a URL nasUrlProblem took.
 */
export function normaliseNasUrl(typed: string): string {
  const url = new URL(typed.trim());
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** True when a URL is the same resource as another once both are in the browser's form. */
export function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

/** True when both URLs name the same server (scheme, host and port): the same credentials may go to both. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** True when talking to this NAS crosses the network unencrypted (http:// to anything but this device). */
export function isUnencrypted(nasUrl: string): boolean {
  try {
    const url = new URL(nasUrl);
    return url.protocol === 'http:' && !isLoopback(url.hostname);
  } catch {
    return false;
  }
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function isLocalNetwork(host: string): boolean {
  const h = host.toLowerCase();
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (h.startsWith('[')) return /^\[f[cd][0-9a-f]{2}:/.test(h) || /^\[fe[89ab][0-9a-f]:/.test(h);
  return !h.includes('.') || LOCAL_SUFFIXES.some((s) => h.endsWith(s));
}
