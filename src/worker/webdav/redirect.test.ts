import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type EmbeddedDav, startEmbeddedDav } from '../../../test/support/embeddedDav';
import { type FaultProxy, startFaultProxy } from '../../../test/support/faultProxy';
import { NasRedirectError } from '../errors';
import { classify } from '../queue/classify';
import { createDavClient } from './client';
import { fetchUpload } from './upload';

// A NAS URL that answers 307 to everything: every operation stops at the redirect, names its target, and
// sends nothing on to it. (In Node fetch shows the redirect; the browser's opaque redirects are e2e's.)

let dir: string;
let nas: EmbeddedDav;
let moved: FaultProxy;
let redirecting: FaultProxy;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exlab-redirect-'));
  nas = await startEmbeddedDav({ root: dir });
  moved = await startFaultProxy(nas.origin);
  redirecting = await startFaultProxy(nas.origin);
  redirecting.fault = (_method, path) => ({ type: 'respond', status: 307, body: '', headers: { Location: `${moved.origin}${path}` } });
});
afterAll(async () => {
  await redirecting.stop();
  await moved.stop();
  await nas.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('every operation on a redirecting NAS URL fails nas_redirect naming the target; the target gets nothing', async () => {
  const dav = createDavClient({
    baseUrl: `${redirecting.origin}/dav/`,
    username: 'lab',
    password: 'secret',
    upload: fetchUpload,
    idleTimeoutMs: 2_000,
  });
  const big = new Blob([new Uint8Array(2 * 1024 * 1024)]);
  const attempts: [string, () => Promise<unknown>][] = [
    ['PROPFIND', () => dav.propfind([], 0)],
    ['MKCOL', () => dav.createCollections(['run'])],
    ['PUT', () => dav.putFile(['run', 'small.csv'], new Blob(['a,b\n']))],
    ['PUT', () => dav.putFile(['run', 'big.bin'], big)],
    ['MOVE', () => dav.moveFile(['run', 'a'], ['run', 'b'])],
    // The one MOVE that replaces (Overwrite: T): never repeated at the target, which could be anything.
    ['MOVE', () => dav.replaceDeviceReport('0f8e2b7a-4c1d-4e5f-9a6b-3c2d1e0f9a8b')],
  ];
  for (const [method, attempt] of attempts) {
    const err = await attempt().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err, method).toBeInstanceOf(NasRedirectError);
    const redirect = err as NasRedirectError;
    expect(redirect.operation).toBe(method);
    expect(redirect.target).toMatch(new RegExp(`^${moved.origin}/dav/`));
    expect(classify(err)).toMatchObject({ kind: 'fatal', code: 'nas_redirect', message: expect.stringContaining(moved.origin) });
  }
  expect(moved.requests).toEqual([]);
  // What reached the redirecting URL: the credentials (it is the NAS URL) and each body once.
  expect(redirecting.requests.filter((r) => r.method === 'PUT').map((r) => r.bodyBytes)).toEqual([4, big.size]);
});
