import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E_DIST } from '../../test/support/paths.ts';
import { startProductionPath } from '../../test/support/productionPath.ts';
import { openPipePage } from '../../test/support/pipeChromium.ts';
import { inPipePage, queueRun, until } from './appRun.ts';
import { makeSmallRun } from './sampleRuns.ts';

// The reproduction of a hang of intake (files/store.ts openAccess): N runs of 2,000 small files queued
// one after the other in one page through the New run form, the engine paused. With four
// createSyncAccessHandle calls in flight, the 12th intake never ended (one file's open left unanswered);
// with one at a time, 30 of 30 ended. Not in `npm test`: it takes a minute per ten runs and a hang,
// when there is one, comes after a varying number of them. Usage (needs dist-e2e and the browser lock):
//   flock /tmp/browser.lock npx tsx scripts/bench/intakeLoop.ts [runs=30]

const RUNS = Number(process.argv[2] ?? 30);
const FORM = 'form[aria-label="New run"]';

const work = mkdtempSync(join(tmpdir(), 'exlab-intake-loop-'));
chmodSync(work, 0o755);
const small = makeSmallRun(join(work, 'small'), 2000);
const prod = await startProductionPath(E2E_DIST, join(work, 'prod'));
const page = await openPipePage(join(work, 'profile'), `${prod.origin}/`);
let hung = false;
try {
  await until(page, `document.querySelector('[data-testid=ownership]')?.dataset.status === 'owner'`, 'the app to own its queue', 60_000);
  await inPipePage(page, `await api.updateSettings({ paused: true, retentionHours: 1 }); return 0;`, null);
  for (let i = 1; i <= RUNS && !hung; i++) {
    const name = `loop-${i}`;
    const t0 = Date.now();
    // A run of 2,000 files is queued in about 5 s; a minute without it is the hang.
    await queueRun(page, small.dir, name, 60_000).then(
      () => console.log(`${name}: queued in ${Date.now() - t0} ms`),
      async () => {
        hung = true;
        console.log(
          `${name}: not queued after 60 s; the form says "${await page.evaluate(`document.querySelector('${FORM}').textContent.slice(-80)`)}"`,
        );
      },
    );
  }
} finally {
  await page.close();
  await prod.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(hung ? 1 : 0);
