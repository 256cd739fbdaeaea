import { SaxesParser } from 'saxes';
import { DavProtocolError } from '../errors';

// PROPFIND / MOVE Multi-Status answers, read by namespace (servers use `D:`, `lp1:` or a default
// namespace) with saxes, a streaming parser that needs no DOM (workers have no DOMParser).

const DAV = 'DAV:';

export interface DavEntry {
  href: string;
  /** The status of the propstat holding the properties, or the response's own status. */
  status: number;
  collection: boolean;
  size: number | null;
  etag: string | null;
}

export function parseMultistatus(xml: string): DavEntry[] {
  const parser = new SaxesParser({ xmlns: true });
  const entries: DavEntry[] = [];
  const stack: string[] = [];
  let text = '';
  let entry: DavEntry | null = null;
  let propstatStatus: number | null = null;
  let pending: Partial<DavEntry> = {};

  parser.on('opentag', (tag) => {
    const name = tag.uri === DAV ? tag.local : `{${tag.uri}}${tag.local}`;
    stack.push(name);
    text = '';
    if (name === 'response') entry = { href: '', status: 0, collection: false, size: null, etag: null };
    if (name === 'propstat') {
      propstatStatus = null;
      pending = {};
    }
    if (name === 'collection' && stack.includes('resourcetype')) pending.collection = true;
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('closetag', () => {
    const name = stack.pop();
    const parent = stack[stack.length - 1];
    if (!entry) return;
    if (name === 'href' && parent === 'response') entry.href = text.trim();
    else if (name === 'status' && parent === 'propstat') propstatStatus = statusOf(text);
    else if (name === 'status' && parent === 'response') entry.status = statusOf(text);
    else if (name === 'getcontentlength') pending.size = Number(text.trim());
    else if (name === 'getetag') pending.etag = text.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
    else if (name === 'propstat') {
      // Only the properties the server actually returned (200) count; a 404 propstat lists missing ones.
      if (propstatStatus !== null && propstatStatus >= 200 && propstatStatus < 300) {
        Object.assign(entry, pending);
        entry.status = propstatStatus;
      } else if (!entry.status) {
        entry.status = propstatStatus ?? 0;
      }
    } else if (name === 'response') {
      entries.push(entry);
      entry = null;
    }
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    throw new DavProtocolError(`the NAS sent a Multi-Status answer that is not valid XML: ${(err as Error).message}`);
  }
  return entries;
}

function statusOf(line: string): number {
  const m = /HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(line);
  return m ? Number(m[1]) : 0;
}
