import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type EmbeddedDav, startEmbeddedDav } from '../../../test/support/embeddedDav';
import { freePort } from '../../../test/support/freePort';
import { createDavClient } from '../webdav/client';
import { fetchUpload } from '../webdav/upload';
import { testConnection } from './testConnection';

let dav: EmbeddedDav;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exlab-conn-'));
  dav = await startEmbeddedDav({ root: dir, username: 'tech', password: 'right' });
});
afterAll(async () => {
  await dav.stop();
  rmSync(dir, { recursive: true, force: true });
});

const client = (baseUrl: string, password = 'right') =>
  createDavClient({ baseUrl, username: 'tech', password, upload: fetchUpload, idleTimeoutMs: 2_000 });

test('a NAS that can be read and written', async () => {
  expect(await testConnection(client(`${dav.origin}/dav/`))).toMatchObject({ ok: true, code: 'ok' });
});

test('a wrong password', async () => {
  expect(await testConnection(client(`${dav.origin}/dav/`, 'wrong'))).toMatchObject({ ok: false, code: 'auth' });
});

test('nothing listening', async () => {
  const port = await freePort();
  expect(await testConnection(client(`http://127.0.0.1:${port}/dav/`))).toMatchObject({ ok: false, code: 'unreachable' });
});
