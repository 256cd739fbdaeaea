import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { createRig } from './test/support/engineRig';
import { startNas } from './test/support/nasServers';
test('dbg', async () => {
  const nas = await startNas('apache', mkdtempSync(join(tmpdir(), 'x-')));
  const a = await createRig({}, undefined, 2000, nas); const b = await createRig({}, undefined, 2000, nas);
  const ja = await a.intake('run-1', [{ relPath: 'a.txt', body: new Blob(['A']) }, { relPath: 'sub/x.txt', body: new Blob(['Ax']) }]);
  const jb = await b.intake('run-1', [{ relPath: 'b.txt', body: new Blob(['B']) }, { relPath: 'sub', body: new Blob(['Bsub']) }]);
  a.engine.start(); b.engine.start();
  for (const [r, j] of [[a, ja], [b, jb]] as const) {
    const d = await r.waitFor(j.id, (x) => x.state === 'cleaned' || x.state === 'failed', 'x');
    console.log(d.state, d.last_error, d.nas_path, (await r.stores.history.listEvents(j.id)).map((e) => `${e.kind}: ${e.detail}`));
    console.log(r.proxy.log.join('\n'));
  }
  await a.close(); await b.close(); await nas.stop();
});
