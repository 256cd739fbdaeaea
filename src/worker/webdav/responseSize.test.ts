import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type EmbeddedDav, startEmbeddedDav } from '../../../test/support/embeddedDav';
import { type FaultProxy, startFaultProxy } from '../../../test/support/faultProxy';
import { ResponseTooLargeError } from '../errors';
import { classify } from '../queue/classify';
import { createDavClient } from './client';
import { MAX_TEXT_BYTES } from './context';
import { fetchUpload } from './upload';

let dir: string;
let nas: EmbeddedDav;
let proxy: FaultProxy;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exlab-size-'));
  nas = await startEmbeddedDav({ root: dir });
  proxy = await startFaultProxy(nas.origin);
});
afterAll(async () => {
  await proxy.stop();
  await nas.stop();
  rmSync(dir, { recursive: true, force: true });
});

const dav = () => createDavClient({ baseUrl: `${proxy.origin}/dav/`, upload: fetchUpload, idleTimeoutMs: 5_000 });

test('a listing larger than the limit is refused as it streams in, with a typed error', async () => {
  proxy.fault = (method) => (method === 'PROPFIND' ? { type: 'huge', bytes: 100 * 1024 * 1024 } : null);
  const heapBefore = process.memoryUsage().heapUsed;
  const err = await dav()
    .listFilesDeep(['run'])
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(ResponseTooLargeError);
  expect(err).toMatchObject({ operation: 'PROPFIND', maxBytes: MAX_TEXT_BYTES });
  expect(classify(err)).toMatchObject({ code: 'nas_answer_too_large' });
  // At most the limit was held (as a one-byte string), never the 100 MB.
  expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(3 * MAX_TEXT_BYTES);
});

test('an answer that declares a length over the limit is refused before reading it', async () => {
  proxy.fault = (method) => (method === 'PROPFIND' ? { type: 'huge', bytes: 100 * 1024 * 1024, declared: true } : null);
  await expect(dav().propfind([], 1)).rejects.toBeInstanceOf(ResponseTooLargeError);
});

test('a listing under the limit is read whole', async () => {
  proxy.fault = (method) => (method === 'PROPFIND' ? { type: 'huge', bytes: 64 * 1024 } : null);
  const list = await dav().propfind([], 1);
  expect(list.length).toBe(0); // its entries name /dav/endless/, outside the folder asked for
  proxy.fault = () => null;
  expect(await dav().propfind([], 0)).toHaveLength(1);
});
