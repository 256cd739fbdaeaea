import { describe, expect, test } from 'vitest';
import { DavProtocolError } from '../errors';
import { davUrl, encodeSegment, hrefToSegments } from './davPath';
import { parseMultistatus } from './xml';

// Multi-Status answers in the shapes real servers send them (captured from Apache mod_dav and
// webdav-server here, and the variants other servers are known for: no prefix, unquoted etags).
const APACHE = `<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:ns0="DAV:">
<D:response xmlns:lp1="DAV:" xmlns:lp2="http://apache.org/dav/props/">
<D:href>/dav/x/</D:href>
<D:propstat><D:prop><lp1:resourcetype><D:collection/></lp1:resourcetype><lp1:getetag>W/"1000-66159c9603dac"</lp1:getetag></D:prop>
<D:status>HTTP/1.1 200 OK</D:status></D:propstat>
</D:response>
<D:response xmlns:lp1="DAV:" xmlns:lp2="http://apache.org/dav/props/">
<D:href>/dav/x/f%20%23.txt</D:href>
<D:propstat><D:prop><lp1:resourcetype/><lp1:getcontentlength>5</lp1:getcontentlength><lp1:getetag>"5-661"</lp1:getetag></D:prop>
<D:status>HTTP/1.1 200 OK</D:status></D:propstat>
</D:response>
</D:multistatus>`;

const DEFAULT_NS = `<?xml version="1.0"?><multistatus xmlns="DAV:">
<response><href>http://nas.local:8080/dav/x/a%c3%a9#b.bin</href>
<propstat><prop><getcontentlength>12</getcontentlength><getetag>abc</getetag><resourcetype/></prop><status>HTTP/1.1 200 OK</status></propstat>
<propstat><prop><quota-used-bytes/></prop><status>HTTP/1.1 404 Not Found</status></propstat>
</response></multistatus>`;

describe('PROPFIND answers are read by namespace, whatever the prefixes', () => {
  test('Apache mod_dav (lp1: prefixes, weak etags)', () => {
    const [dir, file] = parseMultistatus(APACHE);
    expect(dir).toMatchObject({ href: '/dav/x/', collection: true, size: null, status: 200 });
    expect(file).toMatchObject({ href: '/dav/x/f%20%23.txt', collection: false, size: 5, etag: '5-661', status: 200 });
  });

  test('a default namespace, a full URL, lower-case escapes, an unencoded #, an unquoted etag, a 404 propstat', () => {
    const [e] = parseMultistatus(DEFAULT_NS);
    expect(e).toMatchObject({ size: 12, etag: 'abc', collection: false, status: 200 });
    expect(hrefToSegments(e.href, 'http://127.0.0.1/dav/')).toEqual(['x', 'aé#b.bin']);
  });

  test('malformed XML is a protocol error, not a crash', () => {
    expect(() => parseMultistatus('<D:multistatus xmlns:D="DAV:"><D:response>')).toThrow(DavProtocolError);
  });

  test('MOVE 207 carries the failing status inside', () => {
    const xml = `<d:multistatus xmlns:d="DAV:"><d:response><d:href>/dav/a</d:href><d:status>HTTP/1.1 423 Locked</d:status></d:response></d:multistatus>`;
    expect(parseMultistatus(xml)[0].status).toBe(423);
  });
});

describe('paths become URLs one whole segment at a time', () => {
  test('spaces, #, %, +, ?, unicode stay inside their segment', () => {
    expect(davUrl('http://h/dav/', ['run #1', '50% + more?', 'ünï'])).toBe('http://h/dav/run%20%231/50%25%20%2B%20more%3F/%C3%BCn%C3%AF');
    expect(davUrl('http://h/dav', ['a', 'b'], true)).toBe('http://h/dav/a/b/');
  });
  test('dot segments and separators are refused, never sent', () => {
    for (const bad of ['', '.', '..', 'a/b']) expect(() => encodeSegment(bad)).toThrow(RangeError);
  });
  test('hrefs round-trip to the segments they came from', () => {
    const segments = ['eq 1', '2025-01-01', 'run #1 +50%', '日本'];
    expect(hrefToSegments(davUrl('http://h:1/dav/', segments), 'http://h:1/dav/')).toEqual(segments);
  });
  test('an href outside the base collection is not ours: null, never a path to act on', () => {
    expect(hrefToSegments('/other/x.txt', 'http://h:1/dav/')).toBeNull();
    expect(hrefToSegments('http://h:1/davx/a', 'http://h:1/dav/')).toBeNull();
    expect(hrefToSegments('/dav/a/../../etc/passwd', 'http://h:1/dav/')).toBeNull();
    expect(hrefToSegments('/dav/a/%2e%2e/b', 'http://h:1/dav/')).toBeNull();
    expect(hrefToSegments('/dav/a%2Fb', 'http://h:1/dav/')).toBeNull();
    expect(hrefToSegments('/dav/', 'http://h:1/dav/')).toEqual([]);
  });
});
